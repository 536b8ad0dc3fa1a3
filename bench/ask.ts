// `npm run bench -- ask [--write]`: natural-language questions about two held-out codebases (bench/questions),
// answered by every system in the same run: BM25, the memory's votes alone, all-MiniLM-L6-v2 alone, the two
// fused, MiniLM re-ranking candidates, the static embeddings distilled from MiniLM (models/semantic/) with and
// without enrichment, fusions with and without the memory (weights fitted on the fit split only) and the
// shipped `ask` (Workspace.ask).
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { loadTokenCounter } from "../src/engine/chunk/tokenCounter";
import { searchLexical } from "../src/engine/lexical/lexicalIndex";
import { ASK_SIGNALS, MEMORY_VOTES_READ } from "../src/engine/semantic/askSignals";
import { fuseRankings } from "../src/engine/semantic/fuse";
import { memoryRanking } from "../src/engine/semantic/memoryRanking";
import { type SemanticChunk, SemanticIndex, enrichedText } from "../src/engine/semantic/semanticIndex";
import { SemanticSignal, chunkHead } from "../src/engine/semantic/semanticSignal";
import { StaticModel } from "../src/engine/semantic/staticModel";
import { storeChunks } from "../src/engine/semantic/storeChunks";
import { readStore } from "../src/engine/store/readStore";
import { StoreLayout } from "../src/engine/store/storeLayout";
import { Workspace } from "../src/engine/workspace";
import { type FitInput, type Fitted, type Signal, fitFusion } from "./ask/fitFusion";
import { VARIANTS, type Variant, variantRankings } from "./ask/variants";
import { MiniLM, fetchMinilm } from "./ask/minilm";
import { cachedEmbeddings } from "./ask/minilmCache";
import { type QuestionSet, installCodebase, loadQuestionSets } from "./ask/questionSets";
import { type Answers, type SetResult, renderAskTable } from "./ask/renderAsk";
import { scaleLatency } from "./ask/scaleLatency";

const ROOT = path.join(__dirname, "..");
const CACHE = path.join(process.env.LONGLENS_CACHE ?? path.join(process.env.HOME ?? "", ".cache", "longlens"), "bench", "ask");
/** Candidates each signal hands to a fusion or a re-ranker. */
const CANDIDATES = 50;
/** Candidates MiniLM re-ranks at question time (nothing embedded at index time). */
const RERANK = 10;
/** Chunks MiniLM embeds afresh in every run to measure its cost (the rest come from the cache). */
const COST_SAMPLE = 48;
/** A variant is kept only if it lifts the fit split's MRR@5 by more than one luxon question moving from rank 2 to 1 would (0.5 / 25 / 2 sets). */
const MIN_FIT_GAIN = 0.01;
/** Questions per set whose live MiniLM re-rank is timed. */
const RERANK_TIMED = 8;

const BM25 = "BM25 (LongLens lexical index: code, names, path) = `ask` before this change";
const MINILM = "all-MiniLM-L6-v2 alone (chunk text)";
const BM25_MINILM = "BM25 + MiniLM (reciprocal rank fusion)";
const FITTED = "fitted fusion: BM25 + static enriched + static head";
const FITTED_MEMORY = "fitted fusion: BM25 + static enriched + static head + memory";
const SHIPPED = "shipped `ask` (Workspace.ask; a hit is its snippet)";

const cpuSince = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

async function timed(questions: readonly string[], rank: (question: string) => string[] | Promise<string[]>): Promise<Answers> {
  const out: Answers = { ids: [], ms: [] };
  for (const question of questions) {
    const started = performance.now();
    out.ids.push(await rank(question));
    out.ms.push(performance.now() - started);
  }
  return out;
}

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((sum, x, d) => sum + x * b[d]!, 0);

function topByVector(query: Float32Array, ids: readonly string[], vectorOf: (id: string) => Float32Array, top: number): string[] {
  return ids.map((id) => ({ id, score: dot(query, vectorOf(id)) })).sort((a, b) => b.score - a.score).slice(0, top).map((e) => e.id);
}

/** Whether a fit is the engine's fusion (a signal absent from either weighs 0). */
function sameFusion(fitted: Fitted, engine: typeof ASK_SIGNALS): boolean {
  const names = new Set([...Object.keys(fitted.weights), ...Object.keys(engine.weights)]);
  const weight = (weights: Record<string, number | undefined>, name: string): number => weights[name] ?? 0;
  return fitted.damping === engine.damping && [...names].every((name) => weight(fitted.weights, name) === weight(engine.weights, name));
}

/** Weighted reciprocal rank fusion of per-question rankings (latency only where every ranking was timed). */
function fused(lists: { answers: Answers; weight: number }[], damping: number): Answers {
  const n = lists[0]!.answers.ids.length;
  const ids = Array.from({ length: n }, (_, i) =>
    fuseRankings(lists.map(({ answers, weight }) => ({ source: "lexical", ids: answers.ids[i]!, weight })), CANDIDATES, damping).map((f) => f.id));
  const timedAll = lists.every(({ answers }) => answers.ms.length === n);
  return { ids, ms: timedAll ? Array.from({ length: n }, (_, i) => lists.reduce((sum, { answers }) => sum + answers.ms[i]!, 0)) : [] };
}

/** The first `k` of a ranking put in MiniLM's order, the rest kept (quality from cached vectors). */
function reranked(base: Answers, queries: Float32Array[], vectorOf: (id: string) => Float32Array, k: number): Answers {
  return { ids: base.ids.map((ids, i) => [...topByVector(queries[i]!, ids.slice(0, k), vectorOf, k), ...ids.slice(k)]), ms: [] };
}

interface Tools {
  minilm: MiniLM;
  model: StaticModel;
  count: (text: string) => number;
}

/** What the fitted fusion rows need of a set once the weights are known. */
interface ForFitted {
  queries: Float32Array[];
  richOf: Map<string, Float32Array>;
  cost: number;
  memoryCost: number;
}

interface Measured {
  result: SetResult;
  fit: FitInput;
  forFitted: ForFitted;
  workspace: Workspace;
}

async function measureSet(set: QuestionSet, tools: Tools, log: (line: string) => void): Promise<Measured> {
  const { minilm, model } = tools;
  const storeDir = path.join(CACHE, "stores", set.name);
  rmSync(storeDir, { recursive: true, force: true });
  mkdirSync(storeDir, { recursive: true });
  const codebase = installCodebase(set, path.join(CACHE, "packages"));
  let since = process.cpuUsage();
  const indexed = await (await Workspace.open(codebase, { storeDir, threads: 1, memory: false })).index();
  const perK = (cpu: number): number => (1000 * cpu) / indexed.tokens;
  const indexCost = perK(cpuSince(since));
  const layout = new StoreLayout(storeDir);
  const store = (await readStore(layout)).store!;
  // The index writes the semantic vectors too: timed alone, as a first index builds them, and taken out of BM25's cost.
  since = process.cpuUsage();
  await new SemanticSignal().generationFiles(layout, store.catalog.files, undefined);
  const storedVectorsCost = perK(cpuSince(since));
  const lexicalCost = indexCost - storedVectorsCost;
  // The memory pass alone: every file is unchanged, so indexing again with the memory on adds only its shards.
  const workspace = await Workspace.open(codebase, { storeDir, threads: 1 });
  since = process.cpuUsage();
  await workspace.index();
  const memoryCost = perK(cpuSince(since));
  const chunks = await storeChunks(layout, store.catalog.files);
  const ids = chunks.map((chunk) => chunk.id);
  const questions = set.questions.map((q) => q.question);
  const systems = new Map<string, { answers: Answers; cost: number; note?: string }>();
  const add = (name: string, answers: Answers, cost: number, note?: string): void => void systems.set(name, { answers, cost, ...(note ? { note } : {}) });
  log(`${set.name}: ${indexed.files} files, ${chunks.length} chunks, ${indexed.tokens} tokens`);

  const bm25 = await timed(questions, (q) => searchLexical(store.lexical, q, CANDIDATES).map((r) => r.id as string));
  add(BM25, bm25, lexicalCost);
  const catalog = new Map(store.catalog.files.map((file) => [file.path, file]));
  const memory = await timed(questions, async (q) => memoryRanking(await workspace.memoryHits(q, MEMORY_VOTES_READ), catalog).ids.slice(0, CANDIDATES));
  add("memory alone (FwPKM slot-read votes, each 64-token stretch counted for the chunk holding its line)", memory, lexicalCost + memoryCost);

  // MiniLM: its cost is measured on a fresh sample each run; the vectors of all chunks come from the disk cache.
  const sample = chunks.slice(0, COST_SAMPLE).map((chunk) => chunk.text);
  since = process.cpuUsage();
  await minilm.embed(sample);
  const minilmCost = (1000 * cpuSince(since)) / sample.reduce((sum, text) => sum + tools.count(text), 0);
  const minilmText = await cachedEmbeddings(minilm, chunks.map((chunk) => chunk.text), path.join(CACHE, `minilm-${set.name}-text.json`));
  const minilmRich = await cachedEmbeddings(minilm, chunks.map(enrichedText), path.join(CACHE, `minilm-${set.name}-enriched.json`));
  const textOf = new Map(ids.map((id, i) => [id, minilmText[i]!]));
  const richOf = new Map(ids.map((id, i) => [id, minilmRich[i]!]));
  const queries: Float32Array[] = [];
  const minilmAlone = await timed(questions, async (q) => {
    const [vector] = await minilm.embed([q]); // the question is embedded at ask time, so it is timed
    queries.push(vector!);
    return topByVector(vector!, ids, (id) => textOf.get(id)!, CANDIDATES);
  });
  add(MINILM, minilmAlone, lexicalCost + minilmCost);
  const minilmRichAnswers = await timed(questions, async (q) => topByVector((await minilm.embed([q]))[0]!, ids, (id) => richOf.get(id)!, CANDIDATES));
  add("all-MiniLM-L6-v2 alone (enriched chunk: path, names, doc comment, text)", minilmRichAnswers, lexicalCost + minilmCost);
  add(BM25_MINILM, fused([{ answers: bm25, weight: 1 }, { answers: minilmAlone, weight: 1 }], 60), lexicalCost + minilmCost);

  // MiniLM as a question-time re-ranker: quality from the cached vectors, latency measured live on a few questions.
  const rerankMs = await timed(questions.slice(0, RERANK_TIMED), async (q) => {
    const candidates = searchLexical(store.lexical, q, RERANK).map((r) => r.id as string);
    const chunkOf = new Map(chunks.map((chunk) => [chunk.id, chunk]));
    await minilm.embed([q, ...candidates.map((id) => enrichedText(chunkOf.get(id)!))]);
    return candidates;
  });
  const liveNote = `latency measured live on ${RERANK_TIMED} questions per set: MiniLM embeds the question and ${RERANK} chunks`;
  add(`BM25, top ${RERANK} re-ranked by MiniLM (nothing embedded at index time)`, { ...reranked(bm25, queries, (id) => richOf.get(id)!, RERANK), ms: rerankMs.ms }, lexicalCost, liveNote);

  // Static embeddings distilled from MiniLM: an index costs one WordPiece pass and a sum per chunk.
  const build = async (text: (chunk: SemanticChunk) => string): Promise<{ index: SemanticIndex; cost: number }> => {
    const started = process.cpuUsage();
    const index = await SemanticIndex.build(model, chunks, text);
    return { index, cost: perK(cpuSince(started)) };
  };
  const search = async (built: { index: SemanticIndex }): Promise<Answers> => timed(questions, (q) => built.index.search(q, CANDIDATES).map((r) => r.id));
  const plain = await build((chunk) => chunk.text);
  const rich = await build(enrichedText);
  const head = await build(chunkHead);
  add("static (distilled from MiniLM), chunk text", await search(plain), lexicalCost + plain.cost);
  const staticRich = await search(rich);
  const staticHead = await search(head);
  add("static, enriched chunk (path, names, doc comment, text)", staticRich, lexicalCost + rich.cost);
  add("static, chunk head (path, names, doc comment, first 8 lines)", staticHead, lexicalCost + head.cost);
  const asymmetric = await timed(questions, async (q) => {
    const scores = rich.index.scoresFor((await minilm.embed([q]))[0]!);
    return [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).slice(0, CANDIDATES).map((row) => rich.index.ids[row]!);
  });
  add("static enriched chunks, question embedded by MiniLM", asymmetric, lexicalCost + rich.cost, "needs MiniLM at ask time");
  add("BM25 + static enriched (reciprocal rank fusion)", fused([{ answers: bm25, weight: 1 }, { answers: staticRich, weight: 1 }], 60), lexicalCost + rich.cost);
  add("BM25 + static enriched + static head (reciprocal rank fusion)",
    fused([{ answers: bm25, weight: 1 }, { answers: staticRich, weight: 1 }, { answers: staticHead, weight: 1 }], 60), lexicalCost + rich.cost + head.cost);

  const result: SetResult = { set, tokens: indexed.tokens, chunks: chunks.length, systems, shippedCost: lexicalCost + storedVectorsCost };
  const shippedLists = (i: number) => [
    { source: "lexical" as const, ids: bm25.ids[i]!, weight: ASK_SIGNALS.weights.lexical },
    { source: "semantic" as const, ids: staticRich.ids[i]!, weight: ASK_SIGNALS.weights.enriched },
    { source: "semantic" as const, ids: staticHead.ids[i]!, weight: ASK_SIGNALS.weights.head },
  ];
  const variants = await variantRankings(model, chunks, rich.index, questions, shippedLists, CANDIDATES);
  const variantLists = Object.fromEntries(Object.entries(variants).map(([name, ids]) => [name, { ids, ms: [] }]));
  const fit: FitInput = { questions: set.questions, lists: { lexical: bm25, enriched: staticRich, head: staticHead, memory, ...variantLists } };
  return { result, fit, forFitted: { queries, richOf, cost: lexicalCost + rich.cost + head.cost, memoryCost }, workspace };
}

function fusedWith(fit: FitInput, fitted: Fitted): Answers {
  const used = (Object.keys(fitted.weights) as Signal[]).filter((name) => (fitted.weights[name] ?? 0) > 0);
  return fused(used.map((name) => ({ answers: fit.lists[name] as Answers, weight: fitted.weights[name]! })), fitted.damping);
}

/**
 * Each variant fused with BM25 and the two static rankings, fitted on the fit split; the note says what the fit
 * chose. Returns the fit `ask` should ship: the best kept variant's, else `base`.
 */
function addVariants(measured: readonly Measured[], base: Fitted): Fitted {
  const fits = measured.map((m) => m.fit);
  let shipped = base;
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    const fitted = fitFusion(fits, ["enriched", "head", variant]);
    const kept = fitted.fitMrr5 > base.fitMrr5 + MIN_FIT_GAIN;
    if (kept && fitted.fitMrr5 > shipped.fitMrr5) shipped = fitted;
    const note = `fit MRR@5 ${fitted.fitMrr5} against ${base.fitMrr5} without: ${kept ? "kept" : "not kept"}, weight ${fitted.weights[variant]}`;
    for (const { result, fit, forFitted: later } of measured) {
      result.systems.set(`fitted fusion + ${VARIANTS[variant]}`, { answers: fusedWith(fit, fitted), cost: later.cost, note });
    }
  }
  return shipped;
}

function addFitted(measured: readonly Measured[], fitted: Fitted, withMemory: Fitted): void {
  for (const { result, fit, forFitted: later } of measured) {
    const answers = fusedWith(fit, fitted);
    result.systems.set(FITTED, { answers, cost: later.cost, note: "weights from the fit split" });
    result.systems.set(`${FITTED}, top ${RERANK} re-ranked by MiniLM`, {
      answers: reranked(answers, later.queries, (id) => later.richOf.get(id)!, RERANK),
      cost: later.cost,
      note: `quality only: MiniLM would embed ${RERANK} chunks per question at ask time`,
    });
    const memoryNote = `weights from the fit split: memory ${withMemory.weights.memory}${withMemory.weights.memory === 0 ? ", i.e. not fused" : ""}`;
    result.systems.set(FITTED_MEMORY, { answers: fusedWith(fit, withMemory), cost: later.cost + later.memoryCost, note: memoryNote });
  }
}

/** The shipped ask end to end, warm (its first question, which reads the stored vectors and the memory, is not timed). */
async function addShipped(result: SetResult, workspace: Workspace): Promise<void> {
  await workspace.ask(result.set.questions[0]!.question, { top: 5 });
  const answers = await timed(result.set.questions.map((q) => q.question), async (q) =>
    (await workspace.ask(q, { top: 5 })).hits.map((hit) => `${hit.file}#${hit.startLine}-${hit.endLine}@hit`));
  result.systems.set(SHIPPED, { answers, cost: result.shippedCost });
}

export async function askBench(args: string[]): Promise<string> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const counter = await loadTokenCounter();
  const tools: Tools = { minilm: await MiniLM.load(fetchMinilm(ROOT)), model: await StaticModel.load(), count: (text) => counter.count(text) };
  const sets = loadQuestionSets();
  const measured = [];
  for (const set of sets) measured.push(await measureSet(set, tools, log));
  const results = measured.map((m) => m.result);
  const fits = measured.map((m) => m.fit);
  const fitted = fitFusion(fits, ["enriched", "head"]);
  // The memory is fused only where the fit split says it helps: its grid holds weight 0 and prefers it on a tie.
  const withMemory = fitFusion(fits, ["enriched", "head", "memory"]);
  addFitted(measured, fitted, withMemory);
  const shipped = addVariants(measured, withMemory);
  const drift = !sameFusion(shipped, ASK_SIGNALS);
  log(`fitted on the fit split: ${JSON.stringify(shipped)} (memory: ${JSON.stringify(withMemory)})${drift ? `; the engine ships ${JSON.stringify(ASK_SIGNALS)}: update src/engine/semantic/askSignals.ts` : ""}`);
  for (const { result, workspace } of measured) await addShipped(result, workspace);
  const scale = await scaleLatency(sets, path.join(CACHE, "packages"), path.join(CACHE, "stores", "scale"), log);
  return renderAskTable(results, { fitted: shipped, shipped: ASK_SIGNALS, drift, scale, costSample: COST_SAMPLE, args });
}
