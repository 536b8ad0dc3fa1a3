// `npm run bench -- niah [tokens...]`: RULER-style needles planted in held-out code (bench/index/heldoutTrees.ts,
// seeds 1-3 by default; the rule's fit uses others), asked with the exact key and paraphrased, and keys that are not there.
// Rows: LongLens needle, ripgrep on the asked words (value read off the first matching line), the lexical index
// alone; value accuracy, location accuracy (file and line), p50/p95 latency from a warm process.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Workspace } from "../../src/engine/workspace";
import type { PlantedNeedle } from "../index/heldoutTrees";
import { answeredRight, askNeedles } from "./askNeedles";
import { lexicalAnswer, ripgrepAnswer } from "./baselines";
import { asOneFile, needleHaystack } from "./haystacks";
import type { NeedleQuestion, QuestionKind } from "./needleQuestions";

const NEEDLES = 8;
/** The benchmark's trees; the rule's fit uses others (bench/needle/fitNeedle.ts FIT_SEEDS). */
const SEEDS = [1, 2, 3];

interface Outcome {
  system: string;
  kind: QuestionKind;
  value: boolean;
  location: boolean;
  seconds?: number;
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};

function judged(system: string, kind: QuestionKind, needle: { file: string; line: number; value: string } | undefined, got: { value: string; file: string; line: number }, seconds?: number): Outcome {
  if (!needle) return { system, kind, value: got.value === "", location: got.value === "", ...(seconds === undefined ? {} : { seconds }) };
  const value = got.value === needle.value;
  return { system, kind, value, location: value && got.file === needle.file && got.line === needle.line, ...(seconds === undefined ? {} : { seconds }) };
}

interface Layout {
  name: string;
  /** What is indexed: the folder, or the one file. */
  target: string;
  /** The folder the needles' paths are relative to. */
  dir: string;
  planted: PlantedNeedle[];
}

async function measureLayout(layout: Layout, questions: NeedleQuestion[]): Promise<{ outcomes: Outcome[]; indexSeconds: number; coldSeconds: number; indexed: number }> {
  const byKey = new Map(layout.planted.map((p) => [p.key, p]));
  const asked = questions.map((q) => (q.needle ? { ...q, needle: byKey.get(q.key)! } : q));
  const store = await mkdtemp(path.join(tmpdir(), "longlens-niah-"));
  const workspace = await Workspace.open(layout.target, { storeDir: store });
  try {
    const started = performance.now();
    const index = await workspace.index();
    const indexSeconds = (performance.now() - started) / 1000;
    if (index.tokens === 0) throw new Error(`nothing indexed in ${layout.target}`);
    // Cold: the first question loads the model and the memory (once per process); the rows are warm.
    const coldStart = performance.now();
    await workspace.needle(asked[0]!.question);
    const coldSeconds = (performance.now() - coldStart) / 1000;
    const answers = await askNeedles(workspace, asked);
    const readLine = async (file: string, line: number) => (await readFile(path.join(layout.dir, file), "utf8")).split("\n")[line - 1] ?? "";
    const outcomes: Outcome[] = [];
    for (const q of answers) {
      outcomes.push({ system: "LongLens needle", kind: q.kind, ...answeredRight(q), seconds: q.seconds });
      const rg = ripgrepAnswer(layout.dir, q.question);
      outcomes.push(judged("ripgrep on the asked words", q.kind, q.needle, rg, rg.seconds));
      outcomes.push(judged("lexical index alone", q.kind, q.needle, await lexicalAnswer(q.result.hits, q.question, readLine)));
    }
    return { outcomes, indexSeconds, coldSeconds, indexed: index.tokens };
  } finally {
    workspace.dispose();
    await rm(store, { recursive: true, force: true });
  }
}

function table(outcomes: Outcome[]): string[] {
  const lines = ["| system | exact: value / location | paraphrased: value / location | absent or near-miss key: no answer | p50 / p95 s |", "| --- | ---: | ---: | ---: | ---: |"];
  for (const system of [...new Set(outcomes.map((o) => o.system))]) {
    const mine = outcomes.filter((o) => o.system === system);
    const share = (kinds: QuestionKind[], f: (o: Outcome) => boolean) => {
      const of = mine.filter((o) => kinds.includes(o.kind));
      return of.length ? `${((100 * of.filter(f).length) / of.length).toFixed(1)}` : "-";
    };
    const times = mine.flatMap((o) => (o.seconds === undefined ? [] : [o.seconds]));
    const latency = times.length ? `${percentile(times, 0.5).toFixed(2)} / ${percentile(times, 0.95).toFixed(2)}` : "(within needle's)";
    lines.push(`| ${system} | ${share(["exact"], (o) => o.value)} / ${share(["exact"], (o) => o.location)} | ${share(["paraphrase"], (o) => o.value)} / ${share(["paraphrase"], (o) => o.location)} | ${share(["near-miss", "absent"], (o) => o.value)} | ${latency} |`);
  }
  return lines;
}

/** `npm run bench -- niah [tokens ...] [--seeds 1,2,3]`: each size's trees (one per seed) as a folder and as one file. */
export async function niahBench(args: string[]): Promise<string> {
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const seedArg = args[args.indexOf("--seeds") + 1];
  const seeds = args.includes("--seeds") && seedArg ? seedArg.split(",").map(Number) : SEEDS;
  const lines: string[] = [];
  for (const tokens of sizes.length ? sizes : [32_768, 131_072]) {
    const byLayout = new Map<string, { outcomes: Outcome[]; index: number[]; cold: number[]; tokens: number[]; needles: number; distractors: number; questions: number }>();
    for (const seed of seeds) {
      const { root, planted, questions, distractors } = await needleHaystack(tokens, NEEDLES, seed);
      const single = await asOneFile(root, planted, path.join(tmpdir(), `longlens-niah-file-${tokens}`));
      const layouts: Layout[] = [
        { name: "a folder", target: root, dir: root, planted },
        { name: "one file", target: single.file, dir: path.dirname(single.file), planted: single.planted },
      ];
      for (const layout of layouts) {
        const run = await measureLayout(layout, questions);
        const sum = byLayout.get(layout.name) ?? { outcomes: [], index: [], cold: [], tokens: [], needles: 0, distractors: 0, questions: 0 };
        sum.outcomes.push(...run.outcomes);
        sum.index.push(run.indexSeconds);
        sum.cold.push(run.coldSeconds);
        sum.tokens.push(run.indexed);
        sum.needles += planted.length;
        sum.distractors += distractors.length;
        sum.questions += questions.length;
        byLayout.set(layout.name, sum);
      }
      await rm(path.dirname(single.file), { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
    }
    for (const [name, sum] of byLayout) {
      const about = Math.round(sum.tokens.reduce((a, b) => a + b, 0) / sum.tokens.length);
      lines.push(`**About ${about.toLocaleString("en-US")} tokens as ${name}** (held-out code; seeds ${seeds.join(", ")}: ${sum.needles} needles, ${sum.distractors} near-miss distractors, ${sum.questions} questions; indexing ${percentile(sum.index, 0.5).toFixed(0)} s and the first question, cold, ${percentile(sum.cold, 0.5).toFixed(2)} s, medians over the trees):`, "");
      lines.push(...table(sum.outcomes), "");
    }
  }
  return lines.join("\n");
}

if (require.main === module) {
  niahBench(process.argv.slice(2)).then((report) => console.log(report), (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
