import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { LongLensError } from "../../src/engine/errors";
import type { IndexProgress } from "../../src/engine/types";
import { Workspace } from "../../src/engine/workspace";
import { POLYGLOT, polyglotCopy, tempDir } from "../fixtures/fixtureTrees";

const isLongLensError = (pattern: RegExp) => (error: unknown) => error instanceof LongLensError && pattern.test(error.message);

test("opening a missing path is a one-line LongLensError", async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(Workspace.open(path.join(dir, "nope")), isLongLensError(/^No such file or folder: .*nope$/));
  await assert.rejects(Workspace.open(POLYGLOT, { maxFileBytes: -1 }), isLongLensError(/positive number/));
});

test("empty, oversized questions and bad counts are refused before any indexing", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store });
  await assert.rejects(workspace.ask("   "), isLongLensError(/question is empty/));
  await assert.rejects(workspace.ask("x".repeat(10_001)), isLongLensError(/10,001 characters long; the limit is 10,000/));
  await assert.rejects(workspace.needle(""), isLongLensError(/question is empty/));
  await assert.rejects(workspace.ask("router", { top: 0 }), isLongLensError(/at least 1/));
  assert.equal(await workspace.hasIndex(), false);
});

test("ask indexes first, with progress, and reports skipped files with reasons", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  await writeFile(path.join(tree, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
  await writeFile(path.join(tree, ".env"), "API_TOKEN=abc\n");
  await writeFile(path.join(tree, "debug.log"), "ignored by git\n");
  await writeFile(path.join(tree, "huge.json"), `[${"1,".repeat(600_000)}1]`);
  const workspace = await Workspace.open(tree, { storeDir: store });
  assert.equal(workspace.isSingleFile, false);
  assert.equal(workspace.root, tree);
  assert.equal(await workspace.hasIndex(), false);

  const phases = new Set<IndexProgress["phase"]>();
  const { hits } = await workspace.ask("RequestRouter route longest prefix", { onProgress: (p) => phases.add(p.phase) });
  assert.equal(hits[0]?.file, "src/server/requestRouter.ts");
  assert.deepEqual([...phases], ["scan", "read", "index", "memory", "write"]);
  assert.equal(await workspace.hasIndex(), true);

  const result = await workspace.index();
  const reasons = Object.fromEntries(result.skipped.map((skip) => [skip.path, skip.reason]));
  assert.deepEqual(reasons, { ".env": "possible secret (never indexed)", "huge.json": "larger than 1 MiB", "logo.png": "binary" });
  assert.equal(result.files, 11);
  assert.ok(result.tokenCounter === "models/tokenizer.json" || result.tokenCounter.startsWith("approx"));
});

test("a single file is its own workspace", async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, "handlers", "router.ts");
  await mkdir(path.dirname(file));
  await writeFile(file, "export function handleRequest(path: string): string {\n  return `handled ${path}`;\n}\n");
  const workspace = await Workspace.open(file, { storeDir: path.join(dir, "store") });
  assert.equal(workspace.isSingleFile, true);
  const result = await workspace.index();
  assert.equal(result.files, 1);
  assert.equal(result.chunks, 1);
  const { hits } = await workspace.ask("handleRequest");
  assert.deepEqual(
    hits.map((hit) => [hit.file, hit.startLine, hit.endLine]),
    [["router.ts", 1, 3]],
  );
  await workspace.clear();
  assert.equal(await workspace.hasIndex(), false);
  workspace.dispose();
});

test("index lists the lines it redacted as secrets (file and line, never the text)", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const secret = ["const region = 'eu-west-1';", "const key = 'AKIAIOSFODNN7EXAMPLQ';", "export { region };"].join("\n");
  await writeFile(path.join(tree, "src", "awsConfig.ts"), `${secret}\n`);
  const workspace = await Workspace.open(tree, { storeDir: store, memory: false });
  const result = await workspace.index();
  assert.deepEqual(result.redacted, [{ path: "src/awsConfig.ts", lines: [2] }]);
  assert.ok(!JSON.stringify(result).includes("AKIAIOSFODNN7EXAMPLQ"));
});
