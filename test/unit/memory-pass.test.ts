// The memory pass on real code with the shipped model: index writes the memory, a question's reads point at
// the chunk that holds a planted needle, shards round-trip through disk and refuse damage, a re-index rebuilds
// only the shard whose files changed (and equals a fresh index), cancelling keeps the previous store.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { LongLensError } from "../../src/engine/errors";
import { memoryPass, writeUnits } from "../../src/engine/indexing/memoryPass";
import { PrePipeline } from "../../src/engine/indexing/prePipeline";
import { MemoryFactory } from "../../src/engine/memory/loadMemory";
import { memoryModelIdentity } from "../../src/engine/memory/modelIdentity";
import { readModelConfig } from "../../src/engine/model/modelConfig";
import { shippedModelsDir } from "../../src/engine/model/modelFiles";
import { CodeTokenizer } from "../../src/engine/model/tokenizer";
import { readBlob } from "../../src/engine/store/blobs";
import { decodeShard, encodeShard } from "../../src/engine/memory/shardFile";
import { ReadingOrder } from "../../src/engine/store/readingOrder";
import { Workspace } from "../../src/engine/workspace";
import type { IndexProgress } from "../../src/engine/types";
import { tempDir } from "../fixtures/fixtureTrees";
import { lexicalCatalog } from "../fixtures/lexicalCatalog";

const ENGINE = path.join(__dirname, "..", "..", "src", "engine");
const NEEDLE = "// One of the special magic numbers for misty-harbor is: 4817263.";
const EXACT = "\n// Question: What is the special magic number for misty-harbor?\n// Answer: The special magic number for misty-harbor is:";
const PARAPHRASED = "\n// Question: What is the special magic number for the misty harbor?\n// Answer: The special magic number for the misty harbor is:";

/** Real code (this engine's own store, reader and chunk folders) with the needle planted at `line` of one file. */
async function haystack(dir: string, line = 20): Promise<{ tree: string; file: string; line: number }> {
  const tree = path.join(dir, "tree");
  for (const folder of ["store", "reader", "chunk"]) await cp(path.join(ENGINE, folder), path.join(tree, folder), { recursive: true });
  const file = "store/buildIndex.ts";
  const lines = (await readFile(path.join(tree, file), "utf8")).split("\n");
  lines.splice(line - 1, 0, NEEDLE);
  await writeFile(path.join(tree, file), lines.join("\n"));
  return { tree, file, line };
}

/**
 * Adds files to the tree, then cancels the re-index at the first progress `at` accepts (by default, once it
 * reaches the memory pass): it must stop within 500 ms.
 */
async function cancelReindex(ws: Workspace, tree: string, at: (p: IndexProgress) => boolean = (p) => p.phase === "memory"): Promise<void> {
  await mkdir(path.join(tree, "more"));
  await cp(path.join(ENGINE, "lexical"), path.join(tree, "more"), { recursive: true });
  const controller = new AbortController();
  let abortedAt = 0;
  const run = ws.index({
    signal: controller.signal,
    onProgress: (p) => {
      if (at(p) && !abortedAt) {
        abortedAt = performance.now();
        controller.abort();
      }
    },
  });
  await assert.rejects(run, (e: unknown) => e instanceof LongLensError && e.code === "CANCELLED");
  assert.ok(abortedAt > 0, "the run reached the point of the cancel");
  assert.ok(performance.now() - abortedAt < 500, `stopped ${Math.round(performance.now() - abortedAt)} ms after the cancel`);
}

async function shardFiles(store: string): Promise<Map<string, string>> {
  const generations = path.join(store, "generations");
  const [generation] = (await readdir(generations)).filter((n) => !n.includes(".tmp-"));
  const dir = path.join(generations, generation!);
  const out = new Map<string, string>();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".shard"))) {
    out.set(name, createHash("sha256").update(await readFile(path.join(dir, name))).digest("hex"));
  }
  return out;
}

describe("memory pass", () => {
  test("index writes the memory, and a question's reads point at the needle's chunk (exact and paraphrased key)", async (t) => {
    const dir = await tempDir(t);
    const { tree, file, line } = await haystack(dir);
    const ws = await Workspace.open(tree, { storeDir: path.join(dir, "store") });
    t.after(() => ws.dispose());
    const result = await ws.index();
    assert.ok(result.memory, "the index result reports the memory");
    assert.ok(result.memory.tokens > 10_000 && result.memory.shards >= 1 && result.memory.slots >= result.memory.tokens);
    for (const question of [EXACT, PARAPHRASED]) {
      const [best, second] = await ws.memoryHits(question, 5);
      assert.equal(best?.file, file, question);
      assert.ok(best!.startLine <= line && line <= best!.endLine, `the best chunk spans ${best!.startLine}-${best!.endLine}, the needle is at ${line}`);
      assert.ok(best!.votes > 1.1 * (second?.votes ?? 0), `the needle's chunk wins by a margin: ${best!.votes} vs ${second?.votes} (${second?.file}:${second?.line})`);
      assert.ok(best!.slots.some((s) => s.writer.path === file && Math.abs(s.writer.line - line) <= 1), "its slots were written by the needle's line");
    }
  });

  test("a shard round-trips through disk; damage, truncation and another model are refused", async (t) => {
    const dir = await tempDir(t);
    const { tree } = await haystack(dir);
    const store = path.join(dir, "store");
    const ws = await Workspace.open(tree, { storeDir: store, memoryShardTokens: 4096 });
    t.after(() => ws.dispose());
    await ws.index();
    const [name] = (await shardFiles(store)).keys();
    const generations = path.join(store, "generations");
    const [generation] = await readdir(generations);
    const bytes = await readFile(path.join(generations, generation!, name!));
    const model = JSON.parse(bytes.toString("utf8", 12, 12 + bytes.readUInt32LE(8))).model as string;
    const shard = decodeShard(bytes, name!, model);
    assert.ok(shard.header.tokens > 0 && shard.header.parts.length > 0);
    assert.ok(shard.writer.some((w) => w >= 0) && shard.hits.some((h) => h > 0));
    assert.ok(encodeShard(shard).equals(bytes), "decode then encode gives the same bytes (fp16 values are exact after one rounding)");
    const flipped = Buffer.from(bytes);
    flipped[flipped.length >> 1]! ^= 0x10;
    assert.throws(() => decodeShard(flipped, name!, model), (e: unknown) => e instanceof LongLensError && /fails its checksum/.test(e.message));
    assert.throws(() => decodeShard(bytes.subarray(0, bytes.length - 100), name!, model), /fails its checksum/);
    assert.throws(() => decodeShard(Buffer.from("not a shard at all, just text"), name!, model), /not a LongLens memory shard/);
    assert.throws(() => decodeShard(bytes, name!, "another-model"), /written by another model version/);
  });

  test("a re-index after an edit rebuilds only the shard whose files changed, and equals a fresh index", async (t) => {
    const dir = await tempDir(t);
    const { tree } = await haystack(dir);
    const options = { memoryShardTokens: 4096 };
    const ws = await Workspace.open(tree, { ...options, storeDir: path.join(dir, "store") });
    t.after(() => ws.dispose());
    const first = await ws.index();
    assert.ok(first.memory!.shards >= 4, `several shards (${first.memory!.shards})`);
    const unchanged = await ws.index();
    assert.equal(unchanged.memory!.shardsWritten, 0, "nothing changed: every shard kept");
    const edited = path.join(tree, "reader", "walk.ts");
    await writeFile(edited, `${await readFile(edited, "utf8")}\n// an edit at the end\n`);
    const second = await ws.index();
    assert.equal(second.memory!.shards, first.memory!.shards);
    assert.ok(second.memory!.shardsWritten >= 1 && second.memory!.shardsWritten <= 2, `rebuilt ${second.memory!.shardsWritten} of ${second.memory!.shards}`);
    const fresh = await Workspace.open(tree, { ...options, storeDir: path.join(dir, "fresh") });
    t.after(() => fresh.dispose());
    await fresh.index();
    assert.deepEqual(await shardFiles(path.join(dir, "store")), await shardFiles(path.join(dir, "fresh")), "same shards, byte for byte");
  });

  test("cancelling during the memory pass stops within 500 ms and the previous store still answers", async (t) => {
    const dir = await tempDir(t);
    const { tree, file } = await haystack(dir);
    const ws = await Workspace.open(tree, { storeDir: path.join(dir, "store") });
    t.after(() => ws.dispose());
    await ws.index();
    const before = await ws.memoryHits(EXACT, 3);
    await cancelReindex(ws, tree);
    const after = await ws.memoryHits(EXACT, 3);
    assert.equal(after[0]?.file, file);
    assert.deepEqual(after.map((h) => [h.file, h.startLine, h.votes]), before.map((h) => [h.file, h.startLine, h.votes]));
    const leftovers = (await readdir(path.join(dir, "store"))).filter((n) => n.startsWith("memory-pass"));
    await ws.index();
    assert.deepEqual((await readdir(path.join(dir, "store"))).filter((n) => n.startsWith("memory-pass")), [], `the next index removes ${leftovers.join(", ")}`);
  });

  test("cancelling while files are still being read, with the memory pass already started, stops within 500 ms and keeps the previous store", async (t) => {
    const dir = await tempDir(t);
    const { tree, file } = await haystack(dir);
    const store = path.join(dir, "store");
    const ws = await Workspace.open(tree, { storeDir: store });
    t.after(() => ws.dispose());
    await ws.index();
    const before = await ws.memoryHits(EXACT, 3);
    // At the last file read: the units before it are planned and their writing has started.
    await cancelReindex(ws, tree, (p) => p.phase === "read" && p.filesDone === p.filesTotal! - 1);
    const after = await ws.memoryHits(EXACT, 3);
    assert.equal(after[0]?.file, file);
    assert.deepEqual(after.map((h) => [h.file, h.startLine, h.votes]), before.map((h) => [h.file, h.startLine, h.votes]));
  });

  test("indexing wholly on a worker thread writes the same store, reports every phase and cancels within 500 ms", async (t) => {
    const dir = await tempDir(t);
    const { tree, file } = await haystack(dir);
    const onWorker = await Workspace.open(tree, { storeDir: path.join(dir, "worker"), indexOnWorker: true });
    const onThread = await Workspace.open(tree, { storeDir: path.join(dir, "thread") });
    t.after(() => {
      onWorker.dispose();
      onThread.dispose();
    });
    const phases = new Set<string>();
    const viaWorker = await onWorker.index({ onProgress: (p) => phases.add(p.phase) });
    const here = await onThread.index();
    assert.deepEqual([viaWorker.files, viaWorker.chunks, viaWorker.tokens, viaWorker.memory?.tokens], [here.files, here.chunks, here.tokens, here.memory?.tokens]);
    assert.deepEqual([...phases].sort(), ["index", "memory", "read", "scan", "write"]);
    assert.deepEqual(await shardFiles(path.join(dir, "worker")), await shardFiles(path.join(dir, "thread")), "same shards, byte for byte");
    const before = await onWorker.memoryHits(EXACT, 3);
    assert.equal(before[0]?.file, file);

    await cancelReindex(onWorker, tree);
    const after = await onWorker.memoryHits(EXACT, 3);
    assert.deepEqual(after.map((h) => [h.file, h.startLine, h.votes]), before.map((h) => [h.file, h.startLine, h.votes]));
  });

  test("an empty workspace indexes with an empty memory", async (t) => {
    const dir = await tempDir(t);
    await mkdir(path.join(dir, "empty"));
    const ws = await Workspace.open(path.join(dir, "empty"), { storeDir: path.join(dir, "store") });
    t.after(() => ws.dispose());
    const result = await ws.index();
    assert.deepEqual([result.memory?.tokens, result.memory?.shards], [0, 0]);
    assert.deepEqual(await ws.memoryHits(EXACT), []);
  });
});

describe("memory pass: bad input", () => {
  async function modelsCopy(dir: string, edit: (models: string) => Promise<void>): Promise<string> {
    const models = path.join(dir, "models");
    await cp(path.join(__dirname, "..", "..", "models"), models, { recursive: true, filter: (src) => !src.includes(`${path.sep}training`) });
    await edit(models);
    return models;
  }

  test("a memory written by another model version is not reused: rebuilt, with a warning; questions refuse it until then", async (t) => {
    const dir = await tempDir(t);
    const { tree } = await haystack(dir);
    const store = path.join(dir, "store");
    // Another model version: the same graphs with other sub-keys, as a retrained memory would have.
    const other = await modelsCopy(dir, async (models) => {
      const keys = await readFile(path.join(models, "memory-subkeys.f32"));
      keys.reverse();
      await writeFile(path.join(models, "memory-subkeys.f32"), keys);
      const config = JSON.parse(await readFile(path.join(models, "longlens.json"), "utf8"));
      config.memory_table.subkeys.sha256 = createHash("sha256").update(keys).digest("hex");
      await writeFile(path.join(models, "longlens.json"), JSON.stringify(config));
    });
    const old = await Workspace.open(tree, { storeDir: store, modelsDir: other, memoryShardTokens: 8192 });
    t.after(() => old.dispose());
    await old.index();
    const ws = await Workspace.open(tree, { storeDir: store, memoryShardTokens: 8192 });
    t.after(() => ws.dispose());
    await assert.rejects(ws.memoryHits(EXACT), /written by another model version; index again/);
    const rebuilt = await ws.index();
    assert.equal(rebuilt.memory!.shardsWritten, rebuilt.memory!.shards);
    assert.ok(rebuilt.warnings?.some((w) => /another model version; rebuilt/.test(w)), JSON.stringify(rebuilt.warnings));
    assert.ok((await ws.memoryHits(EXACT)).length > 0);
  });

  test("a damaged shard is detected when the store is opened, and the next index rebuilds it", async (t) => {
    const dir = await tempDir(t);
    const { tree, file } = await haystack(dir);
    const store = path.join(dir, "store");
    const ws = await Workspace.open(tree, { storeDir: store, memoryShardTokens: 8192 });
    t.after(() => ws.dispose());
    await ws.index();
    const [name] = (await shardFiles(store)).keys();
    const [generation] = await readdir(path.join(store, "generations"));
    const shard = path.join(store, "generations", generation!, name!);
    const bytes = await readFile(shard);
    bytes[bytes.length >> 1]! ^= 0xff;
    await rm(shard);
    await writeFile(shard, bytes);
    const again = await Workspace.open(tree, { storeDir: store, memoryShardTokens: 8192 });
    t.after(() => again.dispose());
    const result = await again.index();
    assert.ok(result.warnings?.some((w) => w.includes(name!) && /damaged/.test(w)), JSON.stringify(result.warnings));
    assert.equal((await again.memoryHits(EXACT, 1))[0]?.file, file);
  });

  test("missing or truncated model files: the index is lexical only and says why", async (t) => {
    const dir = await tempDir(t);
    const { tree } = await haystack(dir);
    for (const [what, damage] of [
      ["missing address graph", (m: string) => rm(path.join(m, "memory.address.onnx"))],
      ["truncated sub-keys", async (m: string) => writeFile(path.join(m, "memory-subkeys.f32"), (await readFile(path.join(m, "memory-subkeys.f32"))).subarray(0, 1000))],
    ] as const) {
      const models = await modelsCopy(path.join(dir, what.replace(/ /g, "-")), damage);
      const ws = await Workspace.open(tree, { storeDir: path.join(dir, `store-${what.replace(/ /g, "-")}`), modelsDir: models });
      t.after(() => ws.dispose());
      const result = await ws.index();
      assert.equal(result.memory, undefined, what);
      assert.ok(result.files > 0 && result.warnings?.some((w) => /^No memory was built: /.test(w)), `${what}: ${JSON.stringify(result.warnings)}`);
      assert.ok((await ws.ask("where is the index lock taken?")).hits.length > 0, `${what}: ask still answers`);
    }
  });

  test("the memory reads at most its limit of tokens and says which files it left to keyword search", async (t) => {
    const dir = await tempDir(t);
    const { tree } = await haystack(dir);
    const ws = await Workspace.open(tree, { storeDir: path.join(dir, "store"), memoryShardTokens: 4096, memoryMaxTokens: 10_000 });
    t.after(() => ws.dispose());
    const result = await ws.index();
    assert.ok(result.memory!.tokens <= 12_000 && result.memory!.tokens >= 8_000, `read ${result.memory!.tokens}`);
    assert.ok(result.warnings?.some((w) => /reads at most about 10,000 tokens: \d+ file\(s\)/.test(w)), JSON.stringify(result.warnings));
  });
});

describe("memory pass: a file whose stored chunks fail mid-pass", () => {
  test("is left out with a warning, and its unit is written again by the next pass", async (t) => {
    const dir = await tempDir(t);
    const { tree } = await haystack(dir);
    const { layout, files } = await lexicalCatalog(t, tree, path.join(dir, "store"));
    const models = shippedModelsDir();
    const config = readModelConfig(models);
    const memory = await MemoryFactory.load(models, config, { threads: 1 });
    const pre = await PrePipeline.start({ modelsDir: models, threads: 1 });
    t.after(async () => Promise.all([pre.close(), memory.dispose()]));
    const model = { pre, memory, tokenizer: await CodeTokenizer.load(models) };
    const broken = files[3]!.path;
    const memoryDir = path.join(dir, "memory");
    const job = { files, shardTokens: 8192 };
    const write = {
      memoryDir,
      shardTokens: 8192,
      readChunks: (file: (typeof files)[number]) => {
        if (file.path !== broken) return readBlob(layout, file);
        return (async function* () {
          yield* readBlob(layout, file);
          throw new Error("blob removed");
        })();
      },
    };
    const identity = memoryModelIdentity(config);
    const first = await memoryPass(job, identity, (units) => writeUnits(units, write, identity, model));
    assert.ok(first.warnings.some((w) => w.startsWith(`${broken} was left out of the memory`)), JSON.stringify(first.warnings));
    const incomplete = first.manifest.units.filter((u) => u.incomplete);
    assert.equal(incomplete.length, 1);
    const previousShards = new Map(first.manifest.units.flatMap((u) => u.shards).map((s) => [s.file, path.join(memoryDir, s.file)]));
    const intact = { ...write, readChunks: (f: (typeof files)[number]) => readBlob(layout, f) };
    const second = await memoryPass({ ...job, previous: first.manifest, previousShards }, identity, (units) => writeUnits(units, intact, identity, model));
    assert.deepEqual(second.warnings, []);
    assert.equal(second.stats.shardsWritten, incomplete[0]!.shards.length || 1, "only the incomplete unit is written again");
    assert.ok(!second.manifest.units.some((u) => u.incomplete));
  });
});

describe("memory pass: reading order", () => {
  test("files indexed in any order reach the memory by path, each once every file before it is settled", async () => {
    const reading = new ReadingOrder(["b/x.ts", "a.ts", "b/y.ts", "c.ts"]);
    const got: string[] = [];
    const taking = (async () => {
      for await (const f of reading.files) got.push(f.path);
    })();
    const file = (p: string) => ({ path: p, size: 1, mtimeMs: 0, hash: p, chunksKey: p, blobSha256: p, tokens: 1, chunkIds: [] });
    reading.settle("b/x.ts", file("b/x.ts"));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(got, [], "b/x.ts waits for a.ts");
    reading.settle("a.ts", file("a.ts"));
    reading.settle("c.ts", file("c.ts"));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(got, ["a.ts", "b/x.ts"], "c.ts waits for b/y.ts");
    reading.settle("b/y.ts"); // skipped: not in the catalog
    reading.end();
    await taking;
    assert.deepEqual(got, ["a.ts", "b/x.ts", "c.ts"]);
  });
});
