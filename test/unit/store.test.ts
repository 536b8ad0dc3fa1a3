import assert from "node:assert/strict";
import { readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { LongLensError } from "../../src/engine/errors";
import { readStore } from "../../src/engine/store/readStore";
import { StoreLayout } from "../../src/engine/store/storeLayout";
import { type GenerationFile, writeGeneration } from "../../src/engine/store/writeGeneration";
import { Workspace, defaultStoreDir } from "../../src/engine/workspace";
import { polyglotCopy } from "../fixtures/fixtureTrees";

async function listTree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries.map(String).sort();
}

test("re-indexing reads only added, changed and removed files", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store });
  const first = await workspace.index();
  assert.equal(first.files, 11);
  assert.deepEqual(first.changes, { added: 11, changed: 0, removed: 0, unchanged: 0, read: 11 });
  assert.ok(first.chunks >= first.files && first.tokens > 0);

  const again = await workspace.index();
  assert.deepEqual(again.changes, { added: 0, changed: 0, removed: 0, unchanged: 11, read: 0 });
  assert.equal(again.chunks, first.chunks);

  // A touched file with the same bytes is read and hashed, but keeps its chunks.
  const strings = path.join(tree, "lib/strings.js");
  const later = new Date(Date.now() + 5000);
  await utimes(strings, later, later);
  const touched = await workspace.index();
  assert.deepEqual(touched.changes, { added: 0, changed: 0, removed: 0, unchanged: 11, read: 1 });

  await writeFile(strings, (await readFile(strings, "utf8")).replace("function toSnakeCase", "function toScreamingSnakeCase"));
  await writeFile(path.join(tree, "lib/units.js"), "function metresToFeet(metres) {\n  return metres * 3.28084;\n}\n");
  await rm(path.join(tree, "native/adler32.c"));
  const changed = await workspace.index();
  assert.deepEqual(changed.changes, { added: 1, changed: 1, removed: 1, unchanged: 9, read: 2 });
  assert.equal(changed.files, 11);

  const renamed = await workspace.ask("toScreamingSnakeCase");
  assert.equal(renamed.hits[0]?.file, "lib/strings.js");
  assert.match(renamed.hits[0]!.snippet, /toScreamingSnakeCase/);
  assert.equal((await workspace.ask("metresToFeet")).hits[0]?.file, "lib/units.js");
  assert.ok((await workspace.ask("adler32_update checksum")).hits.every((hit) => hit.file !== "native/adler32.c"));
});

test("nothing is written into the indexed tree and unused blobs are collected", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const before = await listTree(tree);
  const workspace = await Workspace.open(tree, { storeDir: store });
  await workspace.index();
  assert.deepEqual(await listTree(tree), before);
  const layout = new StoreLayout(store);
  const blobsBefore = (await readdir(layout.blobs)).length;
  assert.equal(blobsBefore, 11);
  await writeFile(path.join(tree, "lib/strings.js"), "module.exports = {};\n");
  await workspace.index();
  assert.equal((await readdir(layout.blobs)).length, 11, "the old blob of strings.js is gone, the new one is there");
  assert.equal((await readdir(layout.generations)).length, 1);
});

test("a missing blob is rebuilt on the next run", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store });
  await workspace.index();
  const layout = new StoreLayout(store);
  const [blob] = await readdir(layout.blobs);
  await rm(path.join(layout.blobs, blob!));
  const result = await workspace.index();
  assert.equal(result.changes?.read, 1);
  assert.ok((await readdir(layout.blobs)).includes(blob!));
});

for (const [name, damage, problem] of [
  ["garbage manifest", (layout: StoreLayout) => writeFile(layout.manifest, Buffer.from([0x00, 0xff, 0x13, 0x37])), /not valid JSON/],
  [
    "foreign format version",
    async (layout: StoreLayout) => {
      const manifest = JSON.parse(await readFile(layout.manifest, "utf8")) as { version: number };
      await writeFile(layout.manifest, JSON.stringify({ ...manifest, version: 99 }));
    },
    /version 99/,
  ],
  [
    "truncated catalog",
    async (layout: StoreLayout) => {
      const { generation } = JSON.parse(await readFile(layout.manifest, "utf8")) as { generation: string };
      await writeFile(layout.catalog(generation), Buffer.from([0x1f, 0x8b, 0x08]));
    },
    /catalog is damaged \(checksum mismatch\)/,
  ],
] as const) {
  test(`a store with a ${name} is detected, reported and rebuilt`, async (t) => {
    const { tree, store } = await polyglotCopy(t);
    const workspace = await Workspace.open(tree, { storeDir: store });
    const first = await workspace.index();
    const layout = new StoreLayout(store);
    await damage(layout);
    const fresh = await Workspace.open(tree, { storeDir: store });
    if (name !== "truncated catalog") {
      assert.equal(await fresh.hasIndex(), false);
      assert.match(fresh.storeProblem ?? "", problem);
    }
    const rebuilt = await fresh.index();
    assert.equal(rebuilt.warnings?.length, 1);
    assert.match(rebuilt.warnings![0]!, problem);
    assert.equal(rebuilt.changes?.read, first.files, "everything was read again");
    assert.equal(rebuilt.chunks, first.chunks);
    assert.equal(await fresh.hasIndex(), true);
    assert.equal((await fresh.ask("parseConfigFile")).hits[0]?.file, "src/config/parseConfigFile.ts");
  });
}

test("an aborted index leaves the previous store answering identically", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store });
  await workspace.index();
  const manifest = await readFile(new StoreLayout(store).manifest, "utf8");
  const question = "where are routes registered to handlers";
  const answer = await workspace.ask(question);

  await writeFile(path.join(tree, "src/server/requestRouter.ts"), "export const nothing = 0;\n");
  await writeFile(path.join(tree, "lib/handlers.ts"), "export function registerHandlers(routes: string[]) { return routes; }\n");
  const controller = new AbortController();
  let reads = 0;
  const aborted = workspace.index({
    signal: controller.signal,
    onProgress: (progress) => {
      if (progress.phase === "read" && ++reads === 2) controller.abort();
    },
  });
  await assert.rejects(aborted, (error: unknown) => error instanceof LongLensError && error.code === "CANCELLED");
  assert.equal(await readFile(new StoreLayout(store).manifest, "utf8"), manifest);
  const reopened = await Workspace.open(tree, { storeDir: store });
  assert.deepEqual(await reopened.ask(question), answer);
  assert.equal(await reopened.hasIndex(), true);
});

/** Generation folders of a store, staging ones included: an aborted write must leave only the previous one. */
const generationFolders = async (store: string): Promise<string[]> => (await readdir(new StoreLayout(store).generations)).sort();

test("an abort while the new generation is written stops within 500 ms and leaves the previous one answering", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store });
  const first = await workspace.index();
  assert.ok(first.memory && first.memory.shards > 0, "the memory pass ran: its shards are among the files to write");
  const manifest = await readFile(new StoreLayout(store).manifest, "utf8");
  const generations = await generationFolders(store);
  const question = "where are routes registered to handlers";
  const answer = await workspace.ask(question);

  await writeFile(path.join(tree, "lib/handlers.ts"), "export function registerHandlers(routes: string[]) { return routes; }\n");
  const controller = new AbortController();
  let abortedAt = 0;
  const aborted = workspace.index({
    signal: controller.signal,
    onProgress: (progress) => {
      if (progress.phase !== "write" || abortedAt) return;
      abortedAt = performance.now();
      controller.abort();
    },
  });
  await assert.rejects(aborted, (error: unknown) => error instanceof LongLensError && error.code === "CANCELLED");
  const ms = performance.now() - abortedAt;
  assert.ok(abortedAt > 0, "the run reached the write");
  assert.ok(ms <= 500, `cancelled in ${ms.toFixed(0)} ms`);
  assert.equal(await readFile(new StoreLayout(store).manifest, "utf8"), manifest);
  assert.deepEqual(await generationFolders(store), generations, "no staging folder is left");
  const reopened = await Workspace.open(tree, { storeDir: store });
  assert.deepEqual(await reopened.ask(question), answer);
});

test("an abort between two files of a generation removes what was written and writes no further file", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store, memory: false });
  await workspace.index();
  const layout = new StoreLayout(store);
  const manifest = await readFile(layout.manifest, "utf8");
  const previous = await readStore(layout);
  const generations = await generationFolders(store);
  const controller = new AbortController();
  const written: string[] = [];
  const file = (name: string, abort = false): GenerationFile => ({
    name,
    write: async (target) => {
      await writeFile(target, name);
      written.push(name);
      if (abort) controller.abort();
    },
  });
  const writing = writeGeneration(layout, previous.store!.catalog, previous.store!.lexical, [file("a.bin"), file("b.bin", true), file("c.bin")], controller.signal);
  await assert.rejects(writing, (error: unknown) => error instanceof LongLensError && error.code === "CANCELLED");
  assert.deepEqual(written, ["a.bin", "b.bin"]);
  assert.equal(await readFile(layout.manifest, "utf8"), manifest);
  assert.deepEqual(await generationFolders(store), generations, "the staging folder is removed");
  assert.equal((await workspace.ask("parseConfigFile")).hits[0]?.file, "src/config/parseConfigFile.ts");
});

test("the default store lies in the user cache, keyed by the real path", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const saved = { cache: process.env.LONGLENS_CACHE, xdg: process.env.XDG_CACHE_HOME };
  t.after(() => {
    for (const [key, value] of [["LONGLENS_CACHE", saved.cache], ["XDG_CACHE_HOME", saved.xdg]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  delete process.env.LONGLENS_CACHE;
  process.env.XDG_CACHE_HOME = store;
  const dir = defaultStoreDir(tree);
  if (process.platform === "linux") assert.match(dir, new RegExp(`^${store}/longlens/stores/tree-[0-9a-f]{16}$`));
  assert.equal(defaultStoreDir(`${tree}/../tree/`), dir);
  const workspace = await Workspace.open(tree);
  assert.equal(workspace.storeDir, dir);
  await workspace.index();
  assert.ok((await stat(path.join(dir, "manifest.json"))).isFile());
  await workspace.clear();
  assert.equal(await workspace.hasIndex(), false);
  await assert.rejects(stat(dir), /ENOENT/);
});
