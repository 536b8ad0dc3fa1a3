// The ask benchmark's markdown: one table, every system, report split per set; the fit split's MRR@5 beside it.
import { cpus, loadavg } from "node:os";
import type { Fitted } from "./fitFusion";
import { goldRank, percentile, scores } from "./metrics";
import type { QuestionSet } from "./questionSets";

/** One system's answers to one set: ranked chunk ids and milliseconds, per question (ms may be a sample). */
export interface Answers {
  ids: string[][];
  ms: number[];
}

export interface SetResult {
  set: QuestionSet;
  tokens: number;
  chunks: number;
  /** By system name, in the order added: answers and index CPU seconds per 1K tokens. */
  systems: Map<string, { answers: Answers; cost: number; note?: string }>;
  /** Index CPU seconds per 1K tokens of what the shipped ask reads: the lexical index and the stored semantic vectors. */
  shippedCost: number;
}

interface Context {
  fitted: Fitted;
  shipped: unknown;
  drift: boolean;
  scale: string;
  costSample: number;
  args: string[];
}

const two = (x: number): string => x.toFixed(2);

export function renderAskTable(results: readonly SetResult[], context: Context): string {
  const split = (result: SetResult, name: string, which: "fit" | "report") => {
    const { answers } = result.systems.get(name)!;
    return scores(result.set.questions.flatMap((q, i) => (q.split === which ? [goldRank(q, answers.ids[i]!)] : [])));
  };
  const names = [...results[0]!.systems.keys()];
  const header = ["system", ...results.flatMap((r) => [`${r.set.name} R@1`, `${r.set.name} R@5`, `${r.set.name} MRR@5`]), "fit split MRR@5", "index CPU s / 1K tokens", "ask p50 / p95 ms"];
  const tokens = results.reduce((sum, r) => sum + r.tokens, 0);
  const rows = names.map((name) => {
    const perSet = results.flatMap((r) => {
      const s = split(r, name, "report");
      return [two(s.r1), two(s.r5), two(s.mrr5)];
    });
    const fitMrr = results.reduce((sum, r) => sum + split(r, name, "fit").mrr5, 0) / results.length;
    const cost = results.reduce((sum, r) => sum + r.systems.get(name)!.cost * r.tokens, 0) / tokens;
    const ms = results.flatMap((r) => r.systems.get(name)!.answers.ms);
    const note = results[0]!.systems.get(name)!.note;
    const latency = ms.length ? `${percentile(ms, 0.5).toFixed(0)} / ${percentile(ms, 0.95).toFixed(0)}` : "-";
    return [note ? `${name} (${note})` : name, ...perSet, two(fitMrr), cost.toFixed(4), latency];
  });
  const sets = results.map((r) => {
    const fit = r.set.questions.filter((q) => q.split === "fit").length;
    return `${r.set.name} (${r.set.language}, ${r.set.install.package} ${r.set.install.version} from ${r.set.install.registry}, ${r.tokens.toLocaleString("en-US")} tokens, ${r.chunks} chunks; ${fit} fit / ${r.set.questions.length - fit} report questions)`;
  });
  const { damping, weights, fitMrr5 } = context.fitted;
  return [
    "## ask benchmark: questions in words about held-out code",
    "",
    `${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end. Question sets: ${sets.join("; ")}. A question counts as found at the first ranked chunk that overlaps its gold function's lines (for the shipped ask: the hit's snippet lines). Per-set columns are the report split; fusion weights were fitted on the fit split only: damping ${damping}, weights ${JSON.stringify(weights)} (fit MRR@5 ${fitMrr5})${context.drift ? `, NOT what the engine ships (${JSON.stringify(context.shipped)})` : ", as shipped"}.`,
    "",
    `| ${header.join(" | ")} |`,
    `| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    "",
    `Index cost: CPU seconds per 1K tokens (LongLens tokenizer) of walking, chunking and the lexical index, plus what the system adds (MiniLM: embedding, measured on ${context.costSample} fresh chunks per set; static: building its vectors; shipped: the lexical index and the semantic vectors it stores; the memory pass, which needle needs and ask only cites, is the memory row's). Ask latency: one question from a warm process (MiniLM rows include embedding the question).`,
    "",
    `At scale: ${context.scale}`,
  ].join("\n");
}
