// The CLI against a hostile setup: a store pointed at the user's files, a reader that goes away, a full
// disk, file names with control characters, Ctrl-C in the middle of a batch.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { tempDir } from "../fixtures/fixtureTrees";
import { assertOneLineError, cli, repo } from "../fixtures/runCli";
import { listTree } from "../fixtures/storeChecks";

const sample = path.join(repo, "test/fixtures/cli-sample");

async function contents(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await listTree(root)) {
    const file = path.join(root, name);
    files[name] = (await stat(file)).isDirectory() ? "<dir>" : await readFile(file, "utf8");
  }
  return files;
}

test("the issue's project: --store \"\" is a usage error and --store . is refused, and nothing of the project is lost", async (t) => {
  // mkdir -p proj/generations/old proj/blobs; echo x > proj/generations/gen1.txt; echo z > proj/blobs/abc.jsonl.gz
  const proj = path.join(await tempDir(t), "proj");
  await mkdir(path.join(proj, "generations/old"), { recursive: true });
  await mkdir(path.join(proj, "blobs"));
  await writeFile(path.join(proj, "generations/gen1.txt"), "x\n");
  await writeFile(path.join(proj, "blobs/abc.jsonl.gz"), "z\n");
  const before = await contents(proj);

  assertOneLineError(await cli(["index", ".", "--store", ""], { cwd: proj }), 2, /--store needs a folder/);
  assertOneLineError(await cli(["index", ".", "--store", "."], { cwd: proj }), 1, /holds files LongLens did not write/);
  assertOneLineError(await cli(["ask", ".", "where", "--store", "generations"], { cwd: proj }), 1, /holds files LongLens did not write/);
  assert.deepEqual(await contents(proj), before);

  // A new folder inside the project is fine: it becomes a store, and the project's files stay as they were.
  const run = await cli(["index", ".", "--store", ".longlens", "--json"], { cwd: proj });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).files, 2);
  assert.ok(existsSync(path.join(proj, ".longlens/longlens-store")));
  const after = await contents(proj);
  for (const [name, text] of Object.entries(before)) assert.equal(after[name], text, name);
  assert.equal((await stat(path.join(proj, ".longlens"))).mode & 0o777, 0o700);
});

test("a reader that goes away (EPIPE) ends the command quietly with status 0", async (t) => {
  const dir = await tempDir(t);
  const store = path.join(dir, "store");
  const batch = path.join(dir, "questions.txt");
  await writeFile(batch, "DATABASE_TIMEOUT_SECONDS\nsend a reminder email\n".repeat(100));
  for (const args of [
    ["ask", sample, "compute the late fee", "--store", store, "--json"],
    ["needle", sample, "--batch", batch, "--store", store, "--json"],
    ["inspect", path.join(sample, "src/invoice.ts"), "--json"],
  ]) {
    const run = await cli(args, { stdout: "closed" });
    assert.equal(run.code, 0, `${args[0]}: ${run.stderr}`);
    assert.equal(run.stderr, "", args[0]);
  }
});

test("a full disk on stdout is one line on stderr and exit status 1", { skip: !existsSync("/dev/full") && "no /dev/full here" }, async (t) => {
  const full = await open("/dev/full", "w");
  t.after(() => full.close());
  // Every command writes through the same checked write; --help needs no index, so this test stays quick.
  const run = await cli(["--help"], { stdout: full.fd });
  assertOneLineError(run, 1, /Cannot write the output \(ENOSPC/);
});

test("control characters in file names are escaped in human output", async (t) => {
  const dir = await tempDir(t);
  const tree = path.join(dir, "tree");
  await mkdir(tree);
  await writeFile(path.join(tree, "evil\u001b[2J\nname.ts"), "export const zebraQuuxFrobnicator = 42;\n");
  const run = await cli(["ask", tree, "zebraQuuxFrobnicator", "--store", path.join(dir, "store")]);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stdout, /\u001b/);
  assert.match(run.stdout.split("\n")[0]!, /^evil\\x1b\[2J\\nname\.ts:1-1 {2}/);
});

test("the first Ctrl-C during ask --batch stops it within 500 ms, with status 130 and a line saying so", async (t) => {
  const dir = await tempDir(t);
  const store = path.join(dir, "store");
  assert.equal((await cli(["index", sample, "--store", store])).code, 0);
  const batch = path.join(dir, "questions.txt");
  await writeFile(batch, "compute the late fee of an overdue invoice\nsend a reminder email\n".repeat(20_000));
  let sentAt = 0;
  let stoppedAt = 0;
  const run = await cli(["ask", sample, "--batch", batch, "--store", store, "--json"], {
    onStart: (child) => {
      child.stdout!.once("data", () => {
        sentAt = performance.now();
        child.kill("SIGINT");
      });
      child.on("exit", () => (stoppedAt = performance.now()));
    },
  });
  assert.equal(run.code, 130, run.stderr);
  assert.equal(run.stderr, "longlens: Interrupted by SIGINT; the previous index is unchanged.\n");
  const ms = stoppedAt - sentAt;
  t.diagnostic(`stopped ${ms.toFixed(0)} ms after SIGINT`);
  assert.ok(ms < 500, `stopped ${ms.toFixed(0)} ms after the signal`);
  assert.ok(run.stdout.split("\n").length < 40_000, "it did not answer the whole batch");
});

test("a link to a folder outside <path> is skipped and reported, and indexed with --allow-outside that folder", async (t) => {
  const dir = await tempDir(t);
  const [tree, outside, elsewhere] = ["tree", "outside", "elsewhere"].map((name) => path.join(dir, name)) as [string, string, string];
  for (const folder of [tree, outside, elsewhere]) await mkdir(folder);
  await writeFile(path.join(tree, "inside.ts"), "export const inside = 1;\n");
  await writeFile(path.join(outside, "shared.ts"), "export const sharedQuokkaSetting = 2;\n");
  await writeFile(path.join(elsewhere, "other.ts"), "export const other = 3;\n");
  await symlink(outside, path.join(tree, "shared"));
  await symlink(elsewhere, path.join(tree, "other"));
  const index = async (...flags: string[]) => {
    const run = await cli(["index", tree, "--store", path.join(dir, "store"), "--json", ...flags]);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as { files: number; skipped: { path: string; reason: string }[] };
  };

  const closed = await index();
  assert.equal(closed.files, 1);
  assert.deepEqual(closed.skipped, [{ path: "other/", reason: "link outside root" }, { path: "shared/", reason: "link outside root" }]);

  const open = await index("--allow-outside", outside);
  assert.equal(open.files, 2);
  assert.deepEqual(open.skipped, [{ path: "other/", reason: "link outside root" }], "only the named folder is let in");
  const ask = await cli(["ask", tree, "sharedQuokkaSetting", "--store", path.join(dir, "store"), "--allow-outside", outside, "--json"]);
  assert.equal(JSON.parse(ask.stdout).hits[0].file, "shared/shared.ts");

  assert.equal((await index("--allow-outside", outside, "--allow-outside", elsewhere)).files, 3, "the flag repeats");
  assertOneLineError(await cli(["index", tree, "--allow-outside", ""]), 2, /--allow-outside needs a folder/);
  assertOneLineError(await cli(["index", tree, "--allow-outside", path.join(dir, "missing")]), 1, /--allow-outside .*missing is not a folder/);
});
