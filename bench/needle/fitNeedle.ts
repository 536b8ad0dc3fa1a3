// Fits the needle rule (src/engine/answer/needleRule.ts) on held-out needles: trees of held-out code built with
// fit seeds (the niah benchmark uses other seeds; the tests use this repo's own code), with near-miss
// distractors, every planted key asked exactly and paraphrased, plus keys that are not there. Prints the rule's numbers and a reliability table;
// paste the numbers into needleRule.ts. Run: node --import tsx bench/needle/fitNeedle.ts [tokens] [needles]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { answerValues } from "../../src/engine/answer/answerValues";
import { NEEDLE_RULE } from "../../src/engine/answer/needleRule";
import type { NeedleCandidate } from "../../src/engine/types";
import { Workspace } from "../../src/engine/workspace";
import { type AskedNeedle, askNeedles } from "./askNeedles";
import { needleHaystack } from "./haystacks";

/** Seeds of the fit's trees: never the niah benchmark's (bench/needle/niah.ts uses 1-3). */
export const FIT_SEEDS = [101, 102, 103];
const MEMORY_WEIGHTS = [0, 0.25, 0.5, 1, 2];
const THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
const BINS = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001];

interface Choice {
  score: number;
  right: boolean;
}

const shareOf = (c: NeedleCandidate, all: NeedleCandidate[]) => {
  const most = Math.max(0, ...all.map((x) => x.votes));
  return most > 0 ? c.votes / most : 0;
};

/** The supported candidate the rule with memory weight `w` picks, and whether it is the needle's value in its file. */
function choose(asked: AskedNeedle, w: number): Choice | undefined {
  const all = asked.result.candidates ?? [];
  let best: { c: NeedleCandidate; score: number } | undefined;
  for (const c of all.filter((x) => x.supported)) {
    const score = c.meanLogProb + w * shareOf(c, all);
    if (!best || score > best.score) best = { c, score };
  }
  if (!best) return undefined;
  const value = answerValues(best.c.decoded, false)[0];
  return { score: best.score, right: !!asked.needle && value === asked.needle.value && best.c.file === asked.needle.file };
}

/** Logistic regression of right ~ slope * score + intercept, by gradient descent with a little L2 (all-right data stays finite). */
function fitLogistic(points: Choice[]): { slope: number; intercept: number } {
  let [a, b] = [1, 0];
  for (let step = 0; step < 20_000; step++) {
    let [ga, gb] = [0.01 * a, 0];
    for (const p of points) {
      const q = 1 / (1 + Math.exp(-(a * p.score + b)));
      ga += ((q - (p.right ? 1 : 0)) * p.score) / points.length;
      gb += (q - (p.right ? 1 : 0)) / points.length;
    }
    a -= 0.5 * ga;
    b -= 0.5 * gb;
  }
  return { slope: a, intercept: b };
}

function accuracy(asked: AskedNeedle[], w: number, conf: (s: number) => number, threshold: number): number {
  let right = 0;
  for (const q of asked) {
    const c = choose(q, w);
    const answered = c !== undefined && conf(c.score) >= threshold;
    right += q.needle ? (answered && c.right ? 1 : 0) : answered ? 0 : 1;
  }
  return right / asked.length;
}

async function main(): Promise<void> {
  const tokens = Number(process.argv[2] ?? 32_768);
  const needles = Number(process.argv[3] ?? 12);
  const stores = await mkdtemp(path.join(tmpdir(), "longlens-needle-fit-"));
  const asked: AskedNeedle[] = [];
  try {
    for (const seed of FIT_SEEDS) {
      const { root, questions } = await needleHaystack(tokens, needles, seed);
      const workspace = await Workspace.open(root, { storeDir: path.join(stores, String(seed)) });
      try {
        await workspace.index();
        asked.push(...(await askNeedles(workspace, questions)));
      } finally {
        workspace.dispose();
        await rm(root, { recursive: true, force: true });
      }
      console.error(`seed ${seed}: ${asked.length} questions so far`);
    }
  } finally {
    await rm(stores, { recursive: true, force: true });
  }
  const byWeight = MEMORY_WEIGHTS.map((w) => ({ w, acc: accuracy(asked, w, () => 1, 0) }));
  // Ties go to the smallest weight: the memory's votes enter the rule only where they help.
  const { w } = byWeight.reduce((a, b) => (b.acc > a.acc ? b : a));
  const points = asked.map((q) => choose(q, w)).filter((c): c is Choice => c !== undefined);
  const wrong = points.filter((p) => !p.right).length;
  // With no wrong answer the logistic has no slope to find: the confidence is the rule of succession's (n + 1) / (n + 2).
  const { slope, intercept } = wrong > 0 ? fitLogistic(points) : { slope: 0, intercept: Math.log(points.length + 1) };
  const conf = (s: number) => 1 / (1 + Math.exp(-(slope * s + intercept)));
  const byThreshold = THRESHOLDS.map((t) => ({ t, acc: accuracy(asked, w, conf, t) }));
  // Ties go to the threshold nearest 0.5: the one that means "more likely right than not".
  const { t } = byThreshold.reduce((a, b) => (b.acc > a.acc || (b.acc === a.acc && Math.abs(b.t - 0.5) < Math.abs(a.t - 0.5)) ? b : a));
  const lines = [
    `Fitted on ${asked.length} held-out questions (${FIT_SEEDS.length} trees of ${tokens} tokens, ${needles} needles each; seeds ${FIT_SEEDS.join(", ")}):`,
    `memory weight by choice accuracy: ${byWeight.map((x) => `${x.w}: ${(100 * x.acc).toFixed(1)}`).join(", ")}`,
    `threshold by accuracy (right answers + right refusals): ${byThreshold.map((x) => `${x.t}: ${(100 * x.acc).toFixed(1)}`).join(", ")}`,
    `NEEDLE_RULE = { memoryWeight: ${w}, slope: ${slope.toFixed(3)}, intercept: ${intercept.toFixed(3)}, minKeyCoverage: ${NEEDLE_RULE.minKeyCoverage}, minConfidence: ${t} }`,
    "",
    "| confidence | answers | right | share right |",
    "| --- | ---: | ---: | ---: |",
  ];
  for (let i = 0; i + 1 < BINS.length; i++) {
    const inBin = points.filter((p) => conf(p.score) >= BINS[i]! && conf(p.score) < BINS[i + 1]!);
    const right = inBin.filter((p) => p.right).length;
    lines.push(`| ${BINS[i]!.toFixed(2)}-${Math.min(1, BINS[i + 1]!).toFixed(2)} | ${inBin.length} | ${right} | ${inBin.length ? ((100 * right) / inBin.length).toFixed(1) : "-"} |`);
  }
  console.log(lines.join("\n"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
