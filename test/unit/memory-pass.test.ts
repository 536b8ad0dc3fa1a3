// The memory pass on real code with the shipped model: index writes the memory, a question's reads point at
// the chunk that holds a planted needle, shards round-trip through disk and refuse damage, a re-index rebuilds
// only the shard whose files changed (and equals a fresh index), cancelling keeps the previous store.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { cp, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { LongLensError } from "../../src/engine/errors";
import { decodeShard, encodeShard } from "../../src/engine/memory/shardFile";
import { Workspace } from "../../src/engine/workspace";
import { tempDir } from "../fixtures/fixtureTrees";

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
    await mkdir(path.join(tree, "more"));
    await cp(path.join(ENGINE, "lexical"), path.join(tree, "more"), { recursive: true });
    const controller = new AbortController();
    let abortedAt = 0;
    const run = ws.index({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === "memory" && !abortedAt) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    await assert.rejects(run, (e: unknown) => e instanceof LongLensError && e.code === "CANCELLED");
    assert.ok(abortedAt > 0, "the run reached the memory pass");
    assert.ok(performance.now() - abortedAt < 500, `stopped ${Math.round(performance.now() - abortedAt)} ms after the cancel`);
    const after = await ws.memoryHits(EXACT, 3);
    assert.equal(after[0]?.file, file);
    assert.deepEqual(after.map((h) => [h.file, h.startLine, h.votes]), before.map((h) => [h.file, h.startLine, h.votes]));
    const leftovers = (await readdir(path.join(dir, "store"))).filter((n) => n.startsWith("memory-pass"));
    await ws.index();
    assert.deepEqual((await readdir(path.join(dir, "store"))).filter((n) => n.startsWith("memory-pass")), [], `the next index removes ${leftovers.join(", ")}`);
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
