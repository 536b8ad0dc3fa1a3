// The short set of the bad-input corpus (test/stress/corpus.ts), run by `npm test`; `npm run test:stress`
// runs all of it. Every kind is indexed or skipped with a reason, never a crash, and no planted secret ever
// reaches a store.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { KINDS } from "../stress/corpus";
import { REPO, cliArgs, permissionProblem, runKind } from "../stress/harness";
import { tempDir } from "../fixtures/fixtureTrees";
import { cli as cliIn } from "../fixtures/runCli";

for (const kind of KINDS.filter((k) => !k.heavy)) {
  test(`bad input: ${kind.name}`, async (t) => {
    const problem = kind.asNobody ? permissionProblem() : undefined;
    if (problem) {
      t.skip(problem);
      return;
    }
    await runKind(kind, await tempDir(t, "longlens-bad-"));
  });
}

function cli(args: string[], prefix: string[] = []) {
  const [command, ...rest] = [...prefix, process.execPath, ...cliArgs(args)];
  return spawnSync(command!, rest, { cwd: REPO, encoding: "utf8", timeout: 60_000 });
}

test("longlens index /proc/kmsg (and a FIFO) returns at once with a one-line error", async (t) => {
  const dir = await tempDir(t);
  const fifo = path.join(dir, "pipe");
  spawnSync("mkfifo", [fifo]);
  for (const target of ["/proc/kmsg", "/proc/self/environ", fifo]) {
    const started = Date.now();
    const run = cli(["index", target, "--store", path.join(dir, "store")]);
    assert.ok(Date.now() - started < 30_000, `${target} returned`);
    assert.equal(run.status, 1, `${target}: ${run.stderr}`);
    assert.match(run.stderr, /is a special file/);
    assert.equal(run.stderr.trim().split("\n").length, 1, "one line");
  }
});

test("no network access at run time: index and ask work in a network namespace without interfaces", async (t) => {
  if (spawnSync("unshare", ["-n", "true"]).status !== 0) {
    t.skip("unshare -n is not available here (needs root or user namespaces)");
    return;
  }
  const dir = await tempDir(t);
  const tree = path.join(dir, "tree");
  await mkdir(tree);
  await writeFile(path.join(tree, "fees.ts"), "export function lateFee(days: number): number {\n  return days * 2;\n}\n");
  const store = path.join(dir, "store");
  const index = cli(["index", tree, "--store", store, "--json"], ["unshare", "-n"]);
  assert.equal(index.status, 0, index.stderr);
  const ask = cli(["ask", tree, "late fee", "--store", store, "--json"], ["unshare", "-n"]);
  assert.equal(ask.status, 0, ask.stderr);
  assert.equal((JSON.parse(ask.stdout) as { hits: { file: string }[] }).hits[0]?.file, "fees.ts");
});

test("the model files come from the package alone: a models/ folder in the workspace or the current folder is never loaded, and no setting names one", async (t) => {
  const dir = await tempDir(t);
  const tree = path.join(dir, "tree");
  await mkdir(path.join(tree, "models", "semantic"), { recursive: true });
  await writeFile(path.join(tree, "fees.ts"), "export function lateFee(days: number): number {\n  return days * 2;\n}\n");
  // Every file name the shipped models/ holds, as garbage: loading any of them would fail or fall back.
  for (const name of ["longlens.json", "tokenizer.json", "longlens.pre.onnx", "longlens.post.onnx", "memory.address.onnx", "memory-subkeys.f32"]) {
    await writeFile(path.join(tree, "models", name), "not a model");
  }
  const run = await cliIn(["index", tree, "--store", path.join(dir, "store"), "--json"], { cwd: tree });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { tokenCounter: string; memory?: { tokens: number }; warnings?: string[] };
  assert.equal(result.tokenCounter, "models/tokenizer.json", "the shipped tokenizer counted the tokens (a broken one falls back to the approximation)");
  assert.ok((result.memory?.tokens ?? 0) > 0, `the shipped model read the files into memory (warnings: ${result.warnings?.join("; ")})`);

  const settings = (JSON.parse(await readFile(path.join(REPO, "package.json"), "utf8")) as { contributes: { configuration: { properties: Record<string, { type: string }> } } }).contributes.configuration.properties;
  const modelSettings = Object.entries(settings).filter(([name]) => /model/i.test(name));
  assert.deepEqual(modelSettings.map(([name, { type }]) => [name, type]), [["longlens.chat.useLanguageModel", "boolean"]], "the only model setting is an on/off switch");
});
