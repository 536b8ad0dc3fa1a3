// Fault injection for the store through the real CLI, memory pass included (slow: minutes). kill -9 at 20
// random moments of `longlens index`; a full disk (a small tmpfs) in the chunk and in the memory phase;
// damaged blobs, catalog and lexical index. After each, the store must open as the old or the new
// generation with every checksum holding, say what it found, and leave nothing behind.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { StoreLayout } from "../../src/engine/store/storeLayout";
import { fillDisk, killDuringIndex, smallDisk, writeGeneratedTree, writeIncompressible } from "../fixtures/faultInjection";
import { tempDir } from "../fixtures/fixtureTrees";
import { assertOneLineError, cli } from "../fixtures/runCli";
import { blobOf, damages, listTree, verifiedStore } from "../fixtures/storeChecks";

const FILES = 150;

test("kill -9 at 20 random moments of longlens index: old or new generation, checksums hold, the next run cleans up", async (t) => {
  const dir = await tempDir(t);
  const [tree, store] = [path.join(dir, "tree"), path.join(dir, "store")];
  await writeGeneratedTree(tree, FILES, 0);
  const first = await cli(["index", tree, "--store", store, "--json"]);
  assert.equal(first.code, 0, first.stderr);
  const { mostLeft, completed, runMs } = await killDuringIndex("cli", tree, store, 20, FILES);
  t.diagnostic(`the quickest finished run took ${(runMs / 1000).toFixed(1)} s; of 20 killed runs ${completed} finished first; a killed run left at most ${mostLeft.blobs} unused blobs and ${mostLeft.generations} stale generation folders; the next run removed them all`);
});

// What is left free decides where the disk fills: 200 KB is less than the new files' chunks, 2 MB holds them
// but not a memory shard.
for (const [phase, leaveBytes, fill] of [
  ["chunking", 200_000, (tree: string) => writeIncompressible(tree, 40, 60_000)],
  ["the memory pass", 2_000_000, (tree: string) => writeGeneratedTree(tree, 60, 1)],
] as const) {
  test(`a full disk during ${phase}: one line, exit 1, the previous store intact and nothing left behind`, async (t) => {
    const disk = await smallDisk(t, "64m");
    if (!disk) return t.skip("cannot mount a small tmpfs here (Linux as root only)");
    const tree = path.join(await tempDir(t), "tree");
    await writeGeneratedTree(tree, 5, 0);
    const store = path.join(disk, "store");
    assert.equal((await cli(["index", tree, "--store", store])).code, 0);
    const before = await listTree(store);
    const manifest = await readFile(new StoreLayout(store).manifest, "utf8");
    const question = ["ask", tree, "settleAccount3_7", "--store", store, "--json"];
    const answer = await cli(question);

    await fillDisk(disk, leaveBytes);
    await fill(tree);
    const failed = await cli(["index", tree, "--store", store]);
    assertOneLineError(failed, 1, /ENOSPC/);
    t.diagnostic(failed.stderr.trim());
    assert.deepEqual(await listTree(store), before, "no lock, blob, shard or staging folder left");
    assert.equal(await readFile(new StoreLayout(store).manifest, "utf8"), manifest);
    await verifiedStore(store);
    assert.deepEqual(JSON.parse((await cli(question)).stdout), JSON.parse(answer.stdout));
  });
}

test("damaged blobs, catalog and lexical index are detected, reported by index and repaired", async (t) => {
  const dir = await tempDir(t);
  const [tree, store] = [path.join(dir, "tree"), path.join(dir, "store")];
  await writeGeneratedTree(tree, 20, 0);
  assert.equal((await cli(["index", tree, "--store", store])).code, 0);
  const layout = new StoreLayout(store);
  const targets = {
    blob: () => blobOf(store, "gen/d0/account3.ts"),
    catalog: async () => layout.catalog((await verifiedStore(store)).generation),
    "lexical index": async () => layout.lexical((await verifiedStore(store)).generation),
  };
  for (const [what, target] of Object.entries(targets)) {
    for (const [kind, damage] of Object.entries(damages)) {
      if (kind === "swapped" && what !== "blob") continue;
      await damage(await target());
      const run = await cli(["index", tree, "--store", store, "--json"]);
      assert.equal(run.code, 0, run.stderr);
      const { warnings } = JSON.parse(run.stdout) as { warnings?: string[] };
      assert.match(warnings?.join("\n") ?? "", what === "blob" ? /account3\.ts \(damaged/ : /checksum mismatch/, `${kind} ${what}`);
      await verifiedStore(store);
    }
  }
});
