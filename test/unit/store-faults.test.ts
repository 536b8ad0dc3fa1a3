// The fast share of the store's fault injection (test/stress/store-faults.test.ts runs more, through the CLI
// with its memory pass): a full disk mid-index, kill -9 mid-index, and store folders that are not the store's.
// The memory pass is left out here: it is most of an index run's time and none of what these tests check.
import assert from "node:assert/strict";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { LongLensError } from "../../src/engine/errors";
import { StoreLayout } from "../../src/engine/store/storeLayout";
import { Workspace } from "../../src/engine/workspace";
import { fillDisk, killDuringIndex, smallDisk, writeGeneratedTree, writeIncompressible } from "../fixtures/faultInjection";
import { polyglotCopy, tempDir } from "../fixtures/fixtureTrees";
import { listTree, verifiedStore } from "../fixtures/storeChecks";

test("a full disk stops the index with one line, keeps the previous store and leaves nothing behind", async (t) => {
  const disk = await smallDisk(t, "4m");
  if (!disk) return t.skip("cannot mount a small tmpfs here (Linux as root only)");
  const { tree } = await polyglotCopy(t);
  const store = path.join(disk, "store");
  const workspace = await Workspace.open(tree, { storeDir: store, memory: false });
  await workspace.index();
  const before = await listTree(store);
  const manifest = await readFile(new StoreLayout(store).manifest, "utf8");
  const answer = await workspace.ask("parseConfigFile");

  // Room for a new generation of the old files, not for the new file's chunks: a run that skipped the file
  // for want of space would succeed, one that stops reports the full disk.
  await fillDisk(disk, 150_000);
  await writeIncompressible(tree, 1, 500_000);
  await assert.rejects(workspace.index(), (error: unknown) => {
    assert.ok(error instanceof LongLensError, String(error));
    assert.match(error.message, /^Cannot write the index at .* \(ENOSPC: no space left on device.*\); the previous index is unchanged\.$/);
    return true;
  });
  assert.deepEqual(await listTree(store), before, "no lock, no blob, no staging folder left");
  assert.equal(await readFile(new StoreLayout(store).manifest, "utf8"), manifest);
  await verifiedStore(store);
  assert.deepEqual(await (await Workspace.open(tree, { storeDir: store, memory: false })).ask("parseConfigFile"), answer);
});

test("kill -9 at random moments of index: the store is always the old or the new generation, and the next run cleans up", async (t) => {
  const dir = await tempDir(t);
  const [tree, store] = [path.join(dir, "tree"), path.join(dir, "store")];
  await writeGeneratedTree(tree, 60, 0);
  await Workspace.open(tree, { storeDir: store, memory: false }).then((workspace) => workspace.index());
  const { mostLeft, completed, runMs } = await killDuringIndex("lexical", tree, store, 2, 60);
  t.diagnostic(`quickest run ${(runMs / 1000).toFixed(1)} s; ${completed} of 2 finished before the kill; left at most ${mostLeft.blobs} unused blobs and ${mostLeft.generations} stale generation folders`);
});

test("a store folder that holds other files is refused, untouched, also by clear", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  await mkdir(path.join(store, "generations"), { recursive: true });
  await writeFile(path.join(store, "generations/gen1.txt"), "x\n");
  await writeFile(path.join(store, "notes.md"), "mine\n");
  const before = await listTree(store);
  await assert.rejects(Workspace.open(tree, { storeDir: store, memory: false }), /holds files LongLens did not write/);
  const elsewhere = await Workspace.open(tree, { storeDir: path.join(path.dirname(store), "other"), memory: false });
  await elsewhere.index();
  assert.deepEqual(await listTree(store), before);

  // A store with foreign files added later keeps them, through index and clear alike.
  await writeFile(path.join(elsewhere.storeDir, "blobs", "notes.md"), "mine too\n");
  await elsewhere.index();
  await elsewhere.clear();
  assert.deepEqual(await listTree(elsewhere.storeDir), ["blobs", "blobs/notes.md"]);
});

test("stores are readable by their owner only, in the default cache folder too", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const saved = process.env.LONGLENS_CACHE;
  t.after(() => {
    if (saved === undefined) delete process.env.LONGLENS_CACHE;
    else process.env.LONGLENS_CACHE = saved;
  });
  const cache = path.join(store, "cache");
  process.env.LONGLENS_CACHE = cache;
  const workspace = await Workspace.open(tree, { memory: false });
  await workspace.index();
  for (const name of ["", ...(await listTree(cache))]) {
    const stats = await stat(path.join(cache, name));
    assert.equal((stats.mode & 0o777).toString(8), stats.isDirectory() ? "700" : "600", name);
  }
});
