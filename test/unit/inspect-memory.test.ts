// The inspector's memory view on a real indexed tree (samples/taskboard's api with a planted needle) and the
// shipped model: a needle question's first slot was written by the needle's chunk, a token of the needle
// line reads slots written there, weights are read weights (in [0, 1], capped), and a folder
// without an index or memory gets the reason instead of an error.
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { SLOTS_IN_ALL, SLOTS_PER_SHARD } from "../../src/engine/inspect/memoryReads";
import { withMemory } from "../../src/engine/inspect/inspectMemory";
import { Inspector } from "../../src/engine/inspect/inspector";
import { Workspace } from "../../src/engine/workspace";
import type { MemoryView } from "../../src/shared/inspectData";

const repo = path.resolve(import.meta.dirname, "../..");
const NEEDLE = "// One of the special magic numbers for misty-harbor is: 4817263.";
const NEEDLE_FILE = "src/taskStore.ts";
const NEEDLE_LINE = 20;

let temp: string;
let tree: string;
let workspace: Workspace;
const inspector = new Inspector();

before(async () => {
  temp = await mkdtemp(path.join(tmpdir(), "longlens-inspect-memory-"));
  process.env.LONGLENS_CACHE = path.join(temp, "cache"); // never the user's own indexes
  tree = path.join(temp, "tree");
  await cp(path.join(repo, "samples/taskboard/api"), tree, { recursive: true });
  const lines = (await readFile(path.join(tree, NEEDLE_FILE), "utf8")).split("\n");
  lines.splice(NEEDLE_LINE - 1, 0, NEEDLE);
  await writeFile(path.join(tree, NEEDLE_FILE), lines.join("\n"));
  workspace = await Workspace.open(tree, { storeDir: path.join(temp, "store") });
  await workspace.index();
});
after(async () => {
  workspace.dispose();
  await inspector.dispose();
  await rm(temp, { recursive: true, force: true });
});

async function view(read: Promise<{ view: MemoryView } | { reason: string }>): Promise<MemoryView> {
  const result = await read;
  assert.ok("view" in result, "reason" in result ? result.reason : "");
  return result.view;
}

function assertWellFormed(memory: MemoryView): void {
  assert.equal(memory.shardsRead, 1);
  const slots = memory.shards.flatMap((s) => s.slots);
  assert.ok(slots.length > 0 && slots.length <= SLOTS_IN_ALL);
  for (const shard of memory.shards) {
    assert.ok(shard.slots.length <= SLOTS_PER_SHARD);
    const weights = shard.slots.map((s) => s.weight);
    assert.ok(weights.every((w) => w > 0 && w <= 1), `weights in (0, 1]: ${weights}`);
    assert.equal(new Set(shard.slots.map((s) => s.slot)).size, shard.slots.length, "each slot once");
  }
  for (const { writer, writes } of slots) {
    if (!writer) continue;
    assert.ok(writes >= 1);
    assert.ok(writer.startLine <= writer.line && writer.line <= writer.endLine, `${writer.file}:${writer.line} in ${writer.startLine}-${writer.endLine}`);
  }
}

describe("inspect's memory view", () => {
  test("a needle question's first slot was written by the needle's line, inside its chunk", async () => {
    for (const question of ["What is the special magic number for misty-harbor?", "What is the special magic number for the misty harbor?"]) {
      const memory = await view(workspace.memoryReads({ question }));
      assert.deepEqual(memory.reader, { question });
      assertWellFormed(memory);
      const strongest = memory.shards[0]!.slots[0]!; // one shard here: its first slot is the view's first
      assert.equal(strongest.writer?.file, NEEDLE_FILE, question);
      assert.equal(strongest.writer.line, NEEDLE_LINE, question);
      assert.ok(strongest.writer.startLine <= NEEDLE_LINE && NEEDLE_LINE <= strongest.writer.endLine);
    }
  });

  test("a token of the needle line, read as the memory pass read it, finds slots its line wrote, wherever the window starts", async () => {
    const file = path.join(tree, NEEDLE_FILE);
    const text = await readFile(file, "utf8");
    const reads: MemoryView[] = [];
    for (const lines of [[1, 30], [NEEDLE_LINE, 30]] as [number, number][]) {
      const result = await inspector.inspectFile(file, { lines });
      const token = result.tokens.findIndex((t) => t.line === NEEDLE_LINE && t.text === " special");
      assert.ok(token >= 0, "the needle's line is in the window");
      const { start, end } = result.tokens[token]!;
      const memory = await view(workspace.memoryReads({ text, start, end, token }));
      assert.deepEqual(memory.reader, { token });
      assertWellFormed(memory);
      const writers = memory.shards.flatMap((s) => s.slots).map((s) => s.writer);
      assert.ok(writers.some((w) => w?.file === NEEDLE_FILE && w.line === NEEDLE_LINE), JSON.stringify(writers));
      reads.push(memory);
    }
    // The query sees the file before the window (the 64 tokens the pass's sliding window saw), not the window alone.
    assert.deepEqual(reads[1]!.shards, reads[0]!.shards);
  });

  test("withMemory finds the index above the file and adds the view; the JSON keeps its shape", async () => {
    const file = path.join(tree, NEEDLE_FILE);
    // The default store location of the tree, so the search above the file has something to find.
    const indexed = await Workspace.open(tree);
    await indexed.index().finally(() => indexed.dispose());
    const question = "What is the special magic number for misty-harbor?";
    const result = await withMemory(await inspector.inspectFile(file, { lines: [1, 30] }), file, { question });
    assert.ok(result.analyses.includes("memory"));
    const json = JSON.parse(JSON.stringify(result)) as typeof result;
    assert.deepEqual(json.memory, result.memory);
    assert.equal(json.memory?.shards[0]?.slots[0]?.writer?.file, NEEDLE_FILE);
    assert.equal(typeof json.memory?.shards[0]?.shard, "string");
  });

  test("a folder without an index, or with one without memory, gives memory null and the reason", async () => {
    const bare = path.join(temp, "bare");
    await cp(path.join(tree, "src"), bare, { recursive: true });
    const file = path.join(bare, "taskStore.ts");
    const inspected = await inspector.inspectFile(file, { lines: [1, 10] });
    const question = "What is the special magic number for misty-harbor?";
    const none = await withMemory(inspected, file, { question });
    assert.equal(none.memory, null);
    assert.match(none.memoryReason ?? "", /nor a folder above it has an index/);
    assert.equal(none.analyses.includes("memory"), false);

    const store = path.join(temp, "lexical-store");
    const lexical = await Workspace.open(bare, { storeDir: store, memory: false });
    await lexical.index().finally(() => lexical.dispose());
    const noMemory = await withMemory(inspected, file, { question, root: bare, storeDir: store });
    assert.equal(noMemory.memory, null);
    assert.match(noMemory.memoryReason ?? "", /has no memory/);

    const unindexed = await withMemory(inspected, file, { question, root: bare, storeDir: path.join(temp, "empty-store") });
    assert.match(unindexed.memoryReason ?? "", /has no index yet/);
    assert.equal(unindexed.memory, null);

    assert.equal(await withMemory(inspected, file, {}), inspected, "nothing asked, nothing read");
  });
});
