// `npm run bench -- niah [tokens...]`: RULER-style needles planted in held-out code (bench/index/heldoutTrees.ts,
// seeds 1-3 by default; the rule's fit uses others): comment needles asked with the exact key and paraphrased,
// code-shaped ones (constants among sibling names, config values, strings, one key in several files;
// bench/needle/codeNeedles.ts), and keys that are not there. Rows: LongLens needle, ripgrep on the asked words
// (value read off the first matching line), the lexical index alone; value and location (file and line)
// accuracy, p50/p95 latency from a warm process; then accuracy by kind, a length x depth grid, and the
// reliability of `confidence`.
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { NEEDLE_RULE } from "../../src/engine/answer/needleRule";
import { longLensCacheDir } from "../../src/engine/store/defaultStoreDir";
import { Workspace } from "../../src/engine/workspace";
import type { PlantedNeedle } from "../index/heldoutTrees";
import { type AskedNeedle, answeredRight, askNeedles } from "./askNeedles";
import { lexicalAnswer, ripgrepAnswer } from "./baselines";
import { type Point, expectedCalibrationError, picks, reliabilityTable } from "./calibration";
import { asOneFile, needleHaystack } from "./haystacks";
import { ANSWERED_KINDS, type NeedleQuestion, type QuestionKind, UNANSWERED_KINDS } from "./needleQuestions";

const NEEDLES = 8;
/** The benchmark's trees; the rule's fit uses others (bench/needle/fitNeedle.ts FIT_SEEDS). */
const SEEDS = [1, 2, 3];
const NEEDLE = "LongLens needle";
const OTHER_KINDS: QuestionKind[] = ["identifier", "identifier in words", "config", "string", "beside a sibling"];
const DEPTHS = [0, 1 / 3, 2 / 3, 1.0001];

interface Outcome {
  system: string;
  kind: QuestionKind;
  value: boolean;
  location: boolean;
  /** Where the (first) needle stands in the tree read as one file, 0-1; undefined without a needle. */
  depth?: number;
  seconds?: number;
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};
const percent = (n: number, of: number) => (of ? ((100 * n) / of).toFixed(1) : "-");

function judged(system: string, q: NeedleQuestion, got: { value: string; file: string; line: number }, seconds?: number): Omit<Outcome, "depth"> {
  const time = seconds === undefined ? {} : { seconds };
  if (q.needles.length === 0) return { system, kind: q.kind, value: got.value === "", location: got.value === "", ...time };
  // A baseline reads one value off one line: never all of a multi-value needle's.
  const needle = q.needles[0]!;
  const value = q.needles.length === 1 && got.value === needle.value;
  return { system, kind: q.kind, value, location: value && got.file === needle.file && got.line === needle.line, ...time };
}

interface Layout {
  name: string;
  /** What is indexed: the folder, or the one file. */
  target: string;
  /** The folder the needles' paths are relative to. */
  dir: string;
  moved: (needle: PlantedNeedle) => PlantedNeedle;
  depth: (needle: PlantedNeedle) => number;
}

interface LayoutRun {
  outcomes: Outcome[];
  asked: AskedNeedle[];
  indexSeconds: number;
  /** Whether the index came from an earlier run's store (the trees are written anew each run: no file's contents changed). */
  cached: boolean;
  coldSeconds: number;
  indexed: number;
}

async function measureLayout(layout: Layout, questions: NeedleQuestion[], storeName: string): Promise<LayoutRun> {
  const asked = questions.map((q) => ({ ...q, needles: q.needles.map(layout.moved) }));
  // Stores are kept between runs (the trees are the same every run): a rerun reads nothing again.
  const workspace = await Workspace.open(layout.target, { storeDir: path.join(longLensCacheDir(), "bench", "niah-stores", storeName) });
  try {
    const started = performance.now();
    const index = await workspace.index();
    const indexSeconds = (performance.now() - started) / 1000;
    if (index.tokens === 0) throw new Error(`nothing indexed in ${layout.target}`);
    // Cold: the first question after opening loads the model and the memory; the rows are warm.
    const coldStart = performance.now();
    await workspace.needle(asked[0]!.question);
    const coldSeconds = (performance.now() - coldStart) / 1000;
    const answers = await askNeedles(workspace, asked);
    const readLine = async (file: string, line: number) => (await readFile(path.join(layout.dir, file), "utf8")).split("\n")[line - 1] ?? "";
    const outcomes: Outcome[] = [];
    for (const q of answers) {
      const depth = q.needles[0] ? { depth: layout.depth(q.needles[0]) } : {};
      outcomes.push({ system: NEEDLE, kind: q.kind, ...answeredRight(q), seconds: q.seconds, ...depth });
      const rg = ripgrepAnswer(layout.dir, q.question);
      outcomes.push({ ...judged("ripgrep on the asked words", q, rg, rg.seconds), ...depth });
      outcomes.push({ ...judged("lexical index alone", q, await lexicalAnswer(q.result.hits, q.question, readLine)), ...depth });
    }
    return { outcomes, asked: answers, indexSeconds, cached: !!index.changes && index.changes.added + index.changes.changed + index.changes.removed === 0, coldSeconds, indexed: index.tokens };
  } finally {
    workspace.dispose();
  }
}

function systemTable(outcomes: Outcome[]): string[] {
  const lines = [
    "| system | exact: value / location | paraphrased | code-shaped, config, strings, beside a sibling | multi-value (all values) | no answer where there is none | p50 / p95 s |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const system of [...new Set(outcomes.map((o) => o.system))]) {
    const mine = outcomes.filter((o) => o.system === system);
    const share = (kinds: readonly QuestionKind[], f: (o: Outcome) => boolean) => {
      const of = mine.filter((o) => kinds.includes(o.kind));
      return percent(of.filter(f).length, of.length);
    };
    const both = (kinds: readonly QuestionKind[]) => `${share(kinds, (o) => o.value)} / ${share(kinds, (o) => o.location)}`;
    const times = mine.flatMap((o) => (o.seconds === undefined ? [] : [o.seconds]));
    const latency = times.length ? `${percentile(times, 0.5).toFixed(2)} / ${percentile(times, 0.95).toFixed(2)}` : "(within needle's)";
    lines.push(`| ${system} | ${both(["exact"])} | ${both(["paraphrase"])} | ${both(OTHER_KINDS)} | ${both(["multi-value"])} | ${share(UNANSWERED_KINDS, (o) => o.value)} | ${latency} |`);
  }
  return lines;
}

/** LongLens's location accuracy (no-answer rate for keys that are not there) by kind, one column per size. */
function kindTable(bySize: Map<string, Outcome[]>): string[] {
  const sizes = [...bySize.keys()];
  const lines = [`| kind (LongLens needle) | ${sizes.join(" | ")} |`, `| --- | ${sizes.map(() => "---:").join(" | ")} |`];
  for (const kind of [...ANSWERED_KINDS, ...UNANSWERED_KINDS]) {
    const cells = sizes.map((size) => {
      const of = bySize.get(size)!.filter((o) => o.system === NEEDLE && o.kind === kind);
      return `${percent(of.filter((o) => o.location).length, of.length)} (${of.length})`;
    });
    const what = (UNANSWERED_KINDS as readonly string[]).includes(kind) ? "no answer" : "value and location";
    lines.push(`| ${kind}: ${what} | ${cells.join(" | ")} |`);
  }
  return lines;
}

/** LongLens's location accuracy on questions with a needle, by size and by where the needle stands in the tree. */
function depthGrid(bySize: Map<string, Outcome[]>): string[] {
  const heads = DEPTHS.slice(0, -1).map((d, i) => `depth ${Math.round(100 * d)}-${Math.round(100 * Math.min(1, DEPTHS[i + 1]!))}%`);
  const lines = [`| size | ${heads.join(" | ")} |`, `| --- | ${heads.map(() => "---:").join(" | ")} |`];
  for (const [size, outcomes] of bySize) {
    const cells = heads.map((_, i) => {
      const of = outcomes.filter((o) => o.system === NEEDLE && o.depth !== undefined && o.depth >= DEPTHS[i]! && o.depth < DEPTHS[i + 1]!);
      return `${percent(of.filter((o) => o.location).length, of.length)} (${of.length})`;
    });
    lines.push(`| ${size} | ${cells.join(" | ")} |`);
  }
  return lines;
}

function calibrationReport(asked: AskedNeedle[]): string[] {
  const points: Point[] = picks(asked, (c) => c.confidence);
  const given = points.filter((p) => p.confidence >= NEEDLE_RULE.minConfidence);
  const withNeedle = asked.filter((q) => q.needles.length > 0);
  const without = asked.filter((q) => q.needles.length === 0);
  const refused = withNeedle.filter((q) => q.result.answer === "").length;
  const wrong = withNeedle.filter((q) => q.result.answer !== "" && !answeredRight(q).value).length;
  const falseAnswers = without.filter((q) => q.result.answer !== "").length;
  return [
    `**Confidence** (every size and layout above pooled: ${asked.length} questions). Each question's best supported candidate (each one, for a multi-value question), binned by its confidence; answers below ${NEEDLE_RULE.minConfidence} are not given. ECE ${expectedCalibrationError(points).toFixed(3)} over all ${points.length}, ${expectedCalibrationError(given).toFixed(3)} over the ${given.length} given. Of ${withNeedle.length} questions with a needle, ${refused} (${percent(refused, withNeedle.length)}%) got no answer and ${wrong} (${percent(wrong, withNeedle.length)}%) a wrong one; of ${without.length} without, ${falseAnswers} (${percent(falseAnswers, without.length)}%) got an answer.`,
    "",
    ...reliabilityTable(points, NEEDLE_RULE.minConfidence),
  ];
}

const sizeLabel = (tokens: number) => `${Math.round(tokens / 1000)}K tokens`;

/** `npm run bench -- niah [tokens ...] [--seeds 1,2,3]`: each size's trees (one per seed) as a folder and as one file. */
export async function niahBench(args: string[]): Promise<string> {
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const seedArg = args[args.indexOf("--seeds") + 1];
  const seeds = args.includes("--seeds") && seedArg ? seedArg.split(",").map(Number) : SEEDS;
  const lines: string[] = [
    "Kinds: comment needles (`// One of the special magic numbers for shiny-yacht is: 4456728.`) asked with the exact key and paraphrased",
    "(\"the shiny yacht\"); constants among sibling names (`const DUSTY_COMET_TIMEOUT = 23872;` beside `DUSTY_COMET_SEED` and",
    "`DUSTY_METEOR_TIMEOUT`; `#define` in C, an assignment in Python) asked by name and in words; config values among sibling keys",
    "in a YAML and a JSON file; string constants; one key in two or three files (every value asked for); and keys that are not",
    "there: near misses, unused words, and sibling misses (`the dusty meteor seed`: every word is beside some value, never together;",
    "also for two comment needles on adjacent lines, whose first key is asked too: \"beside a sibling\").",
    "Each candidate place is read by the model, which decodes an answer; where that copies no value from a line naming the key (code-shaped",
    "values often are not copied: the model was trained on comment needles), the model scores the literals beside the key on such lines",
    "(`NAME = v`, `#define NAME v`, `key: v`, `\"key\": v`) as continuations of the question, and the likeliest is its answer.",
    `The answer is the candidate the fitted rule (src/engine/answer/needleRule.ts, fitted by bench/needle/fitNeedle.ts on seeds other than these) is most confident of, given only at ${NEEDLE_RULE.minConfidence} or more.`,
    "",
  ];
  const bySize = new Map<string, Outcome[]>();
  const allAsked: AskedNeedle[] = [];
  for (const tokens of sizes.length ? sizes : [32_768, 131_072]) {
    const byLayout = new Map<string, { outcomes: Outcome[]; index: number[]; cached: number; cold: number[]; tokens: number[]; needles: number; distractors: number; questions: number }>();
    for (const seed of seeds) {
      const { root, planted, questions, distractors } = await needleHaystack(tokens, NEEDLES, seed);
      const single = await asOneFile(root, path.join(tmpdir(), `longlens-niah-file-${tokens}`));
      const depth = (n: PlantedNeedle) => single.moved(n).line / single.lines;
      const layouts: Layout[] = [
        { name: "a folder", target: root, dir: root, moved: (n) => n, depth },
        { name: "one file", target: single.file, dir: path.dirname(single.file), moved: single.moved, depth },
      ];
      for (const layout of layouts) {
        const run = await measureLayout(layout, questions, `${tokens}-${seed}-${layout.name.replace(/\W+/g, "-")}`);
        const sum = byLayout.get(layout.name) ?? { outcomes: [], index: [], cached: 0, cold: [], tokens: [], needles: 0, distractors: 0, questions: 0 };
        sum.outcomes.push(...run.outcomes);
        if (run.cached) sum.cached++;
        else sum.index.push(run.indexSeconds);
        sum.cold.push(run.coldSeconds);
        sum.tokens.push(run.indexed);
        sum.needles += planted.length;
        sum.distractors += distractors.length;
        sum.questions += questions.length;
        byLayout.set(layout.name, sum);
        allAsked.push(...run.asked);
        console.error(`niah: ${tokens} tokens, seed ${seed}, ${layout.name}: done`);
      }
      await rm(path.dirname(single.file), { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
    }
    bySize.set(sizeLabel(tokens), [...byLayout.values()].flatMap((s) => s.outcomes));
    for (const [name, sum] of byLayout) {
      const about = Math.round(sum.tokens.reduce((a, b) => a + b, 0) / sum.tokens.length);
      const indexing = sum.index.length ? `indexing ${percentile(sum.index, 0.5).toFixed(0)} s` : "indexes from an earlier run's stores";
      lines.push(`**About ${about.toLocaleString("en-US")} tokens as ${name}** (held-out code; seeds ${seeds.join(", ")}: ${sum.needles} needles, ${sum.distractors} near-miss distractors, ${sum.questions} questions; ${indexing} and the first question, cold, ${percentile(sum.cold, 0.5).toFixed(2)} s, medians over the trees):`, "");
      lines.push(...systemTable(sum.outcomes), "");
    }
  }
  lines.push("**By kind** (LongLens needle, folder and one file pooled; in brackets, how many questions):", "", ...kindTable(bySize), "");
  lines.push("**Length x depth** (LongLens needle, value and location on questions with a needle; depth: where the needle stands in the tree read as one file):", "", ...depthGrid(bySize), "");
  lines.push(...calibrationReport(allAsked), "");
  return lines.join("\n");
}

if (require.main === module) {
  niahBench(process.argv.slice(2)).then((report) => console.log(report), (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
