// Fits the needle rule (src/engine/answer/needleRule.ts) on held-out needles: trees of held-out code built with
// fit seeds (the niah benchmark reports other seeds; the tests use a fixture), with every kind of needle the
// benchmark asks. A logistic regression over each read candidate's features (right: its answer is a needle's
// value in the needle's file), then the threshold that answers the most questions rightly (right answers plus
// right refusals). Prints the rule's numbers and the fit's reliability table; paste the numbers into needleRule.ts.
// Run: node --import tsx bench/needle/fitNeedle.ts [tokens ...] [--reuse] (--reuse refits the last run's reads)
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { FEATURES, NEEDLE_RULE, featureVector } from "../../src/engine/answer/needleRule";
import { longLensCacheDir } from "../../src/engine/store/defaultStoreDir";
import type { NeedleCandidate } from "../../src/engine/types";
import { Workspace } from "../../src/engine/workspace";
import { type AskedNeedle, askNeedles } from "./askNeedles";
import { candidateRight, expectedCalibrationError, featuresOf, picks, questionRight, reliabilityTable } from "./calibration";
import { needleHaystack } from "./haystacks";

/** Seeds of the fit's trees: never the niah benchmark's (bench/needle/niah.ts SEEDS). */
export const FIT_SEEDS = [101, 102, 103, 104];
const NEEDLES = 8;
const THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** L2 penalty on the standardised weights: keeps the fit finite where the kinds separate cleanly. */
const L2 = 0.01;
/**
 * Features whose weight may not be negative: a surer model must not lower the confidence. Unconstrained, the fit
 * gave the log-probabilities small negative weights, because scored code values (always right on these trees)
 * have lower log-probabilities than decoded siblings' values (wrong, and told apart by keyOnLine already).
 */
const NON_NEGATIVE: ReadonlySet<string> = new Set(["meanLogProb", "minLogProb"]);

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Logistic regression by gradient descent on standardised features; returns weights and intercept on the raw features. */
function fitLogistic(xs: number[][], ys: boolean[]): { weights: number[]; intercept: number } {
  const d = xs[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => xs.reduce((s, x) => s + x[j]!, 0) / xs.length);
  const sd = Array.from({ length: d }, (_, j) => Math.sqrt(xs.reduce((s, x) => s + (x[j]! - mean[j]!) ** 2, 0) / xs.length) || 1);
  const zs = xs.map((x) => x.map((v, j) => (v - mean[j]!) / sd[j]!));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let step = 0; step < 5_000; step++) {
    const gw = w.map((wj) => L2 * wj);
    let gb = 0;
    for (const [i, z] of zs.entries()) {
      const err = sigmoid(z.reduce((s, v, j) => s + v * w[j]!, b)) - (ys[i] ? 1 : 0);
      for (let j = 0; j < d; j++) gw[j]! += (err * z[j]!) / zs.length;
      gb += err / zs.length;
    }
    for (let j = 0; j < d; j++) w[j] = NON_NEGATIVE.has(FEATURES[j]!) ? Math.max(0, w[j]! - 0.5 * gw[j]!) : w[j]! - 0.5 * gw[j]!;
    b -= 0.5 * gb;
  }
  const weights = w.map((wj, j) => wj / sd[j]!);
  return { weights, intercept: b - weights.reduce((s, wj, j) => s + wj * mean[j]!, 0) };
}

async function collect(sizes: number[]): Promise<AskedNeedle[]> {
  const asked: AskedNeedle[] = [];
  for (const tokens of sizes) {
    for (const seed of FIT_SEEDS) {
      const { root, questions } = await needleHaystack(tokens, NEEDLES, seed);
      const workspace = await Workspace.open(root, { storeDir: path.join(longLensCacheDir(), "bench", "needle-fit-stores", `${tokens}-${seed}`) });
      try {
        await workspace.index();
        asked.push(...(await askNeedles(workspace, questions)));
      } finally {
        workspace.dispose();
      }
      console.error(`${tokens} tokens, seed ${seed}: ${asked.length} questions so far`);
    }
  }
  return asked;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const saved = path.join(longLensCacheDir(), "bench", "needle-fit-reads.json");
  let asked: AskedNeedle[];
  if (args.includes("--reuse")) asked = JSON.parse(await readFile(saved, "utf8")) as AskedNeedle[];
  else {
    asked = await collect(sizes.length ? sizes : [32_768, 131_072]);
    await mkdir(path.dirname(saved), { recursive: true });
    await writeFile(saved, JSON.stringify(asked));
  }
  const examples = asked.flatMap((q) => (q.result.candidates ?? []).filter((c) => c.supported).map((c) => ({ x: featureVector(featuresOf(c)), y: candidateRight(q, c) })));
  const wrong = examples.filter((e) => !e.y).length;
  if (wrong === 0) throw new Error(`all ${examples.length} supported candidates were right: nothing to fit a confidence on`);
  const { weights, intercept } = fitLogistic(examples.map((e) => e.x), examples.map((e) => e.y));
  const confidence = (c: NeedleCandidate) => sigmoid(featureVector(featuresOf(c)).reduce((s, x, j) => s + x * weights[j]!, intercept));
  const byThreshold = THRESHOLDS.map((t) => ({ t, right: asked.filter((q) => questionRight(q, confidence, t)).length }));
  // Ties go to the threshold nearest 0.5: the one that means "more likely right than not".
  const { t } = byThreshold.reduce((a, b) => (b.right > a.right || (b.right === a.right && Math.abs(b.t - 0.5) < Math.abs(a.t - 0.5)) ? b : a));
  const points = picks(asked, confidence);
  const round = (x: number) => Number(x.toFixed(3));
  console.log([
    `Fitted on ${asked.length} held-out questions (seeds ${FIT_SEEDS.join(", ")}; ${examples.length} supported candidates, ${wrong} wrong):`,
    `features: ${FEATURES.join(", ")}`,
    `questions answered rightly by threshold: ${byThreshold.map((x) => `${x.t}: ${x.right}`).join(", ")}`,
    `NEEDLE_RULE = { weights: [${weights.map(round).join(", ")}], intercept: ${round(intercept)}, minKeyCoverage: ${NEEDLE_RULE.minKeyCoverage}, minConfidence: ${t} }`,
    `ECE on the fit: ${expectedCalibrationError(points).toFixed(3)}`,
    "",
    ...reliabilityTable(points, t),
  ].join("\n"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
