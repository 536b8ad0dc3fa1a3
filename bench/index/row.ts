// One row of the index benchmark, in a process of its own so its peak RSS is its own:
//   row.ts lexical|full <tree> <store> [needles.json]   |   row.ts pre|minilm <store>
// Prints one JSON line: seconds, CPU seconds, peak RSS and what the row measured.
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileTokens } from "../../src/engine/indexing/memoryTokens";
import { MEMORY_PIECE, MemoryModeReader } from "../../src/engine/model/memoryModeReader";
import { ModelService } from "../../src/engine/model/modelService";
import { readBlob } from "../../src/engine/store/blobs";
import { readStore } from "../../src/engine/store/readStore";
import { StoreLayout } from "../../src/engine/store/storeLayout";
import { Workspace } from "../../src/engine/workspace";
import { MiniLM, fetchMinilm } from "../ask/minilm";
import type { PlantedNeedle } from "./heldoutTrees";
import { needleQuestion, plantNeedle } from "./heldoutTrees";

const ROOT = path.join(__dirname, "..", "..");

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function storeFiles(store: string) {
  const layout = new StoreLayout(store);
  const read = await readStore(layout);
  if (!read.store) throw new Error(`no store at ${store}`);
  return { layout, files: [...read.store.catalog.files].sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

async function index(tree: string, store: string, memory: boolean, needlesFile?: string) {
  // As the extension indexes (indexOnWorker): the whole run on a worker thread, this thread only passing messages.
  const ws = await Workspace.open(tree, { storeDir: store, memory, indexOnWorker: memory });
  // The event loop's worst delay over the whole run (the memory pass overlaps the lexical pass).
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu = process.cpuUsage();
  const result = await ws.index();
  loop.disable();
  const used = process.cpuUsage(cpu);
  const out: Record<string, unknown> = {
    indexSeconds: result.seconds, indexCpuSeconds: (used.user + used.system) / 1e6,
    tokens: result.tokens, memory: result.memory, storeBytes: await bytesUnder(store), maxLoopDelayMs: loop.max / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
  if (needlesFile) {
    // Single needles, as the model card measures them: one needle in the tree at a time. Only the shard whose
    // files the needle changes is rebuilt, so each costs a shard's pass, not the whole tree's.
    const needles = JSON.parse(await readFile(needlesFile, "utf8")) as PlantedNeedle[];
    const located: Record<string, number> = { exact: 0, paraphrased: 0 };
    const loads: number[] = [];
    const latencies: number[] = [];
    const rebuilt: number[] = [];
    for (const needle of needles) {
      const restore = await plantNeedle(tree, needle);
      rebuilt.push((await ws.index()).memory?.shardsWritten ?? 0);
      for (const [how, paraphrase] of [["exact", false], ["paraphrased", true]] as const) {
        const started = performance.now();
        const [best] = await ws.memoryHits(needleQuestion(needle.key, paraphrase), 1);
        // The first question after a re-index also opens the new generation's shards.
        (paraphrase ? latencies : loads).push(performance.now() - started);
        if (best && best.file === needle.file && best.startLine <= needle.line && needle.line <= best.endLine) located[how]!++;
      }
      await restore();
    }
    const p50 = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    out.located = { ...located, of: needles.length, p50Ms: p50(latencies), openP50Ms: p50(loads), shardsRebuiltPerNeedle: Math.max(...rebuilt) };
  }
  ws.dispose();
  return out;
}

/** The pre graph alone over the memory's reading of the store's files (tokenising not timed). */
async function preOnly(store: string) {
  const { layout, files } = await storeFiles(store);
  const model = await ModelService.load(undefined, { threads: 2 });
  const ids: number[] = [];
  for (const file of files) for await (const run of fileTokens(readBlob(layout, file), model.tokenizer)) ids.push(...run.ids);
  const reader = new MemoryModeReader(model.graphs);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let s = 0; s < ids.length; s += MEMORY_PIECE) await reader.read(ids.slice(s, s + MEMORY_PIECE));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await model.dispose();
  return { tokens: ids.length, timedSeconds: seconds, timedCpuSeconds: (used.user + used.system) / 1e6 };
}

/** all-MiniLM-L6-v2 embedding every stored chunk (what a Continue-style index does). */
async function minilm(store: string) {
  const { layout, files } = await storeFiles(store);
  const texts: string[] = [];
  for (const file of files) for await (const chunk of readBlob(layout, file)) texts.push(chunk.text);
  const model = await MiniLM.load(fetchMinilm(ROOT));
  const cpu = process.cpuUsage();
  const started = performance.now();
  await model.embed(texts);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { chunks: texts.length, timedSeconds: seconds, timedCpuSeconds: (used.user + used.system) / 1e6 };
}

async function main(): Promise<void> {
  const [kind, a, b, c] = process.argv.slice(2);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const measured =
    kind === "lexical" ? await index(a!, b!, false)
      : kind === "full" ? await index(a!, b!, true, c)
        : kind === "pre" ? await preOnly(a!)
          : await minilm(a!);
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({
    seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024, ...measured,
  }));
}

void main();
