// `npm run bench -- index [--sizes 100000,1000000] [--needles 20]`: indexing throughput, CPU, peak RSS and store
// size per token for the lexical pass, the pre graph alone, the full index (lexical + memory) and
// all-MiniLM-L6-v2 embedding the same chunks, all in one run on held-out code; the memory pass's FLOPs per
// token against the machine's fp32 peak; and whether the memory locates needles planted in the largest tree.
import { execFileSync } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readModelConfig } from "../../src/engine/model/modelConfig";
import { shippedModelsDir } from "../../src/engine/model/modelFiles";
import { SHARD_TOKENS } from "../../src/engine/indexing/memoryLayout";
import { tableSubkeys } from "../../src/engine/memory/tableSize";
import { longLensCacheDir } from "../../src/engine/store/defaultStoreDir";
import { heldoutTree } from "./heldoutTrees";
import { memoryFlopsPerToken, preFlopsPerToken } from "./flops";

/** fp32 matrix-multiply peak of this machine (../shared/notes/machine.md: OpenBLAS, both cores). */
const PEAK_GFLOPS = 157;
const GOAL_TOKENS_PER_SECOND = 40_000;

type Row = Record<string, any>;

function row(kind: string, ...args: string[]): Row {
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "row.ts"), kind, ...args], {
    encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as Row;
}

const f = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "-");

export async function indexBench(args: string[]): Promise<string> {
  const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
  const sizes = option("--sizes", "100000,1000000").split(",").map(Number);
  const needles = Number(option("--needles", "20"));
  const config = readModelConfig(shippedModelsDir());
  const lines: string[] = [];
  const work = path.join(longLensCacheDir(), "bench", "index-stores");
  for (const [i, size] of sizes.entries()) {
    const last = i === sizes.length - 1;
    const { root, planned } = await heldoutTree(size, last ? needles : 0);
    const needlesFile = path.join(work, "needles.json");
    await rm(work, { recursive: true, force: true });
    execFileSync("mkdir", ["-p", work]);
    await writeFile(needlesFile, JSON.stringify(planned));
    console.error(`index bench: ${size} tokens at ${root}`);
    const lexical = row("lexical", root, path.join(work, "lexical"));
    const pre = row("pre", path.join(work, "lexical"));
    const full = row("full", root, path.join(work, "full"), ...(last && needles ? [needlesFile] : []));
    const minilm = row("minilm", path.join(work, "lexical"));
    const tokens = lexical.tokens as number;
    const memoryTokens = full.memory.tokens as number;
    const subkeys = tableSubkeys(Math.min(SHARD_TOKENS, memoryTokens), config.memory_table);
    const flops = preFlopsPerToken(config.model) + memoryFlopsPerToken(config.model, subkeys);
    const fullRate = tokens / full.indexSeconds;
    lines.push(
      `### ${f(tokens)} tokens (${f(full.memory.shards)} memory shards, ${f(full.memory.slots)} slots)\n`,
      "| step | seconds | tokens/s | CPU s | CPU s per 1K tokens | peak RSS MB | store bytes/token |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      `| lexical pass alone (walk, chunk, BM25 index) | ${f(lexical.indexSeconds, 1)} | ${f(tokens / lexical.indexSeconds)} | ${f(lexical.indexCpuSeconds, 1)} | ${f((1000 * lexical.indexCpuSeconds) / tokens, 3)} | ${f(lexical.maxRssMB)} | ${f(lexical.storeBytes / tokens, 1)} |`,
      `| \`pre\` graph alone, memory mode (2 threads; tokenising not timed) | ${f(pre.timedSeconds, 1)} | ${f(pre.tokens / pre.timedSeconds)} | ${f(pre.timedCpuSeconds, 1)} | ${f((1000 * pre.timedCpuSeconds) / pre.tokens, 3)} | ${f(pre.maxRssMB)} | - |`,
      `| full index: lexical + memory pass | ${f(full.indexSeconds, 1)} | ${f(fullRate)} | ${f(full.indexCpuSeconds, 1)} | ${f((1000 * full.indexCpuSeconds) / tokens, 3)} | ${f(full.maxRssMB)} | ${f(full.storeBytes / tokens, 1)} |`,
      `| the memory pass alone: its first shard to its end, overlapping the lexical pass (worker threads) | ${f(full.memory.seconds, 1)} | ${f(full.memory.tokensPerSecond)} | - | - | - | ${f((full.storeBytes - lexical.storeBytes) / tokens, 1)} |`,
      `| all-MiniLM-L6-v2 embedding the same ${f(minilm.chunks)} chunks (int8, 2 threads) | ${f(minilm.timedSeconds, 1)} | ${f(tokens / minilm.timedSeconds)} | ${f(minilm.timedCpuSeconds, 1)} | ${f((1000 * minilm.timedCpuSeconds) / tokens, 3)} | ${f(minilm.maxRssMB)} | - |`,
      "",
      `Memory pass: ${f(flops / 1e6, 2)} MFLOP per token (pre graph ${f(preFlopsPerToken(config.model) / 1e6, 2)}, addressing and writes at ${subkeys}^2 slots ${f(memoryFlopsPerToken(config.model, subkeys) / 1e6, 2)}); ` +
        `at the full index's ${f(fullRate)} tokens/s that is ${f((flops * fullRate) / 1e9, 1)} GFLOP/s, ${f((100 * flops * fullRate) / 1e9 / PEAK_GFLOPS, 1)}% of the ${PEAK_GFLOPS} GFLOP/s fp32 peak. ` +
        `The full index runs as the extension runs it, wholly on a worker thread (indexOnWorker); the memory pass starts with the first files indexed and writes each shard once its files are. The calling thread's event loop (the extension host's, in VS Code) stalled at most ${f(full.maxLoopDelayMs, 0)} ms over the whole index, the memory pass included (goal <= 100 ms: ${full.maxLoopDelayMs <= 100 ? "met" : "not met"}).`,
    );
    if (full.located) {
      const l = full.located;
      lines.push(`\nSingle needles (${l.of}, each alone in the tree at a seeded place; a re-index rewrote at most ${l.shardsRebuiltPerNeedle} shard(s) per needle): the memory's best chunk holds the needle for ` +
        `${l.exact} of ${l.of} with the exact key (${f((100 * l.exact) / l.of, 1)}%) and ${l.paraphrased} of ${l.of} paraphrased (${f((100 * l.paraphrased) / l.of, 1)}%); a question's memory read takes ${f(l.p50Ms)} ms (p50, shards open; the first question after an index opens them: ${f(l.openP50Ms)} ms).`);
    }
    lines.push(`\nGoal >= ${f(GOAL_TOKENS_PER_SECOND)} tokens/s for the full index: ${f(fullRate)} (${fullRate >= GOAL_TOKENS_PER_SECOND ? "met" : "not met"}). ` +
      `Goals: peak RSS <= 1,024 MB (${full.maxRssMB <= 1024 ? "met" : "not met"}), store <= 200 bytes/token (${full.storeBytes / tokens <= 200 ? "met" : "not met"}).\n`);
  }
  return [
    "## index benchmark: held-out code (models/training/corpus.json \"heldout\")\n",
    `${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)} at the end (other processes share the cores: compare CPU seconds). ` +
      "Memory values are stored as fp16: locating reads only the keys and provenance (kept exact), so it cannot change location accuracy.\n",
    ...lines,
  ].join("\n");
}
