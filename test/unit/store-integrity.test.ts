// Every byte a store serves is checked against a sha256: damaged blobs and generation files are found,
// reported and rebuilt from the source; a killed run's leftovers go at the next run, and nothing else does.
import assert from "node:assert/strict";
import { mkdir, readFile, readdir, rename, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { LongLensError } from "../../src/engine/errors";
import { createLexicalIndex } from "../../src/engine/lexical/lexicalIndex";
import { identityOf } from "../../src/engine/store/processIdentity";
import { readStore } from "../../src/engine/store/readStore";
import { StoreLayout } from "../../src/engine/store/storeLayout";
import { claimStoreFolder } from "../../src/engine/store/storeFolder";
import { writeGeneration } from "../../src/engine/store/writeGeneration";
import { Workspace } from "../../src/engine/workspace";
import { polyglotCopy, tempDir } from "../fixtures/fixtureTrees";
import { blobOf, damages, listTree, verifiedStore } from "../fixtures/storeChecks";

const FILE = "src/config/parseConfigFile.ts";
const QUESTION = "parseConfigFile";

for (const [kind, damage] of Object.entries(damages)) {
  test(`a ${kind} blob is never served, and the next index reads its file again`, async (t) => {
    const { tree, store } = await polyglotCopy(t);
    const workspace = await Workspace.open(tree, { storeDir: store, memory: false });
    const first = await workspace.index();
    const good = (await workspace.ask(QUESTION)).hits[0]!;
    assert.equal(good.file, FILE);
    assert.notEqual(good.snippet, "");
    await damage(await blobOf(store, FILE));

    const served = (await (await Workspace.open(tree, { storeDir: store, memory: false })).ask(QUESTION)).hits;
    assert.deepEqual(served.filter((hit) => hit.file === FILE && hit.snippet !== ""), [], "no text from a damaged blob");

    const repaired = await workspace.index();
    assert.equal(repaired.changes?.unchanged, first.files - 1, "the damaged file is not taken as unchanged");
    assert.equal(repaired.changes?.read, 1);
    assert.match(repaired.warnings?.join("\n") ?? "", new RegExp(`${FILE} \\((damaged \\(checksum mismatch\\)|missing)\\)`));
    await verifiedStore(store);
    assert.deepEqual((await workspace.ask(QUESTION)).hits[0], good);
  });
}

test("a touched file whose blob is damaged is chunked again, and said so", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store, memory: false });
  await workspace.index();
  await damages["bit-flipped"](await blobOf(store, FILE));
  const later = new Date(Date.now() + 5000);
  await utimes(path.join(tree, FILE), later, later); // same bytes, new mtime: read and hashed, blob reused if intact
  const result = await workspace.index();
  assert.deepEqual(result.changes, { added: 0, changed: 1, removed: 0, unchanged: 10, read: 1 });
  assert.match(result.warnings?.join("\n") ?? "", new RegExp(`${FILE} \\(damaged \\(checksum mismatch\\)\\)`));
  await verifiedStore(store);
});

test("a damaged lexical index is detected by its checksum and rebuilt", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store, memory: false });
  await workspace.index();
  const layout = new StoreLayout(store);
  const { generation } = await verifiedStore(store);
  await damages["bit-flipped"](layout.lexical(generation));
  assert.match((await readStore(layout)).problem ?? "", /lexical index is damaged \(checksum mismatch\)/);
  const rebuilt = await workspace.index();
  assert.match(rebuilt.warnings?.[0] ?? "", /checksum mismatch/);
  await verifiedStore(store);
});

test("a generation carries extra files, each checked against its sha256 when the store is read", async (t) => {
  const dir = await tempDir(t);
  const layout = new StoreLayout(path.join(dir, "store"));
  await claimStoreFolder(layout);
  const shard = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 251));
  const extra = [{ name: "memory-000.shard", write: (target: string) => writeFile(target, shard) }];
  const generation = await writeGeneration(layout, { tokenCounter: "test", files: [] }, createLexicalIndex(), extra);
  const read = await readStore(layout);
  const file = read.store?.extraFiles.get("memory-000.shard");
  assert.equal(file, layout.generationFile(generation, "memory-000.shard"));
  assert.deepEqual(await readFile(file!), shard);
  const manifest = JSON.parse(await readFile(layout.manifest, "utf8")) as { files: Record<string, string> };
  assert.deepEqual(Object.keys(manifest.files).sort(), ["catalog.json.gz", "lexical.json.gz", "memory-000.shard"]);

  await damages.truncated(file!);
  assert.match((await readStore(layout)).problem ?? "", /memory-000\.shard is damaged \(checksum mismatch\)/);
  for (const name of ["../escape", "catalog.json.gz", ".hidden"]) {
    await assert.rejects(writeGeneration(layout, { tokenCounter: "test", files: [] }, createLexicalIndex(), [{ name, write: () => Promise.resolve() }]), /Invalid or repeated/);
  }
});

test("the leftovers of a killed run are removed by the next run, and nothing that is not the store's", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store, memory: false });
  await workspace.index();
  const layout = new StoreLayout(store);
  const before = await listTree(store);
  const key = `${"ab".repeat(32)}-typescript`;
  const leftovers = [
    path.join(layout.generations, "mx0abc12-0123abcd.tmp-4242-deadbeef/catalog.json.gz"), // a staging folder
    path.join(layout.blobs, `${key}.${"cd".repeat(32)}.jsonl.gz`), // a blob no generation refers to
    path.join(layout.blobs, `${key}.tmp-4242-deadbeef`), // a blob being written
    path.join(layout.blobs, `${key}.jsonl.gz`), // a version 1 blob
    `${layout.manifest}.tmp-4242-deadbeef`,
    `${layout.lock}.tmp-4242-deadbeef`,
  ];
  const foreign = [path.join(layout.blobs, "notes.txt"), path.join(layout.generations, "keep-me"), path.join(store, "README")];
  for (const file of [...leftovers, ...foreign]) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, "x");
  }
  await workspace.index();
  const after = await listTree(store);
  const expected = [...before, ...foreign.map((file) => path.relative(store, file))].sort();
  assert.deepEqual(after.filter((name) => !name.startsWith("generations/") || name === "generations/keep-me"), expected.filter((name) => !name.startsWith("generations/") || name === "generations/keep-me"));
  assert.equal((await readdir(layout.generations)).length, 2, "the current generation and keep-me");
});

test("a version 1 store (no marker, blobs without hashes) is recognised, reported and rebuilt, its old files removed", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store, memory: false });
  await workspace.index();
  const layout = new StoreLayout(store);
  const { generation, catalog } = await verifiedStore(store);
  await rm(layout.marker);
  await writeFile(layout.manifest, JSON.stringify({ format: "longlens-store", version: 1, generation }));
  const old = catalog.files[0]!;
  await rename(layout.blob(old), path.join(layout.blobs, `${old.chunksKey}.jsonl.gz`));

  const upgraded = await (await Workspace.open(tree, { storeDir: store, memory: false })).index();
  assert.match(upgraded.warnings?.[0] ?? "", /store format version 1, this LongLens uses version 2/);
  assert.equal(upgraded.changes?.added, 11);
  await verifiedStore(store);
  const names = await readdir(layout.blobs);
  assert.equal(names.length, 11);
  assert.ok(names.every((name) => name.split(".").length === 4), "only hash-named blobs are left");
  assert.ok((await readdir(store)).includes("longlens-store"));
});

test("a lock is honoured only while the process that took it runs: a reused pid does not hold it", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store, memory: false });
  await workspace.index();
  const layout = new StoreLayout(store);
  const me = identityOf(process.pid);
  await writeFile(layout.lock, JSON.stringify(me));
  await assert.rejects(workspace.index(), (error: unknown) => error instanceof LongLensError && error.code === "BUSY");
  if (!me.started) return t.skip("no process start times on this platform");
  // This pid, but another process start: the lock's writer is gone and its pid was reused.
  await writeFile(layout.lock, JSON.stringify({ ...me, started: String(Number(me.started) - 1) }));
  assert.equal((await workspace.index()).changes?.unchanged, 11);
  await writeFile(layout.lock, JSON.stringify({ ...me, boot: "another-boot" }));
  assert.equal((await workspace.index()).changes?.unchanged, 11);
});
