// `longlens inspect` as a user or a script runs it: a real process on real files.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Workspace } from "../../src/engine/workspace";

const repo = path.resolve(import.meta.dirname, "../..");
const reminders = path.join(repo, "samples/taskboard/api/src/reminders.ts");

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // A cache of its own: an index the user made of this repository must not change what inspect finds.
    const env = { ...process.env, LONGLENS_CACHE: path.join(temp, "cache") };
    const child = spawn(process.execPath, ["--import", "tsx", path.join(repo, "src/cli/main.ts"), "inspect", ...args], { cwd: repo, env });
    let [stdout, stderr] = ["", ""];
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function assertOneLineError(args: string[], code: number, pattern: RegExp): Promise<void> {
  const run = await cli(args);
  assert.equal(run.code, code, run.stderr);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^longlens: [^\n]+\n$/);
  assert.match(run.stderr, pattern);
}

let temp: string;
before(async () => (temp = await mkdtemp(path.join(tmpdir(), "longlens-inspect-cli-"))));
after(() => rm(temp, { recursive: true, force: true }));

describe("longlens inspect", () => {
  test("--json: tokens with offsets, packed attention maps and rows, positions, the memory slot", async () => {
    const run = await cli([reminders, "--lines", "1-12", "--token", "5", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    for (const key of ["file", "startLine", "endLine", "truncated", "tokenizer", "tokens", "analyses", "variant", "model", "attention", "positions", "memory", "seconds"]) {
      assert.ok(key in result, key);
    }
    assert.deepEqual(Object.keys(result.tokens[0]).sort(), ["end", "id", "line", "start", "text"]);
    assert.equal(result.variant, "longlens");
    assert.equal(result.memory, null);
    assert.match(result.memoryReason, /nor a folder above it has an index/);
    const T = result.tokens.length;
    assert.deepEqual(result.attention.maps.dims, [4, 4, result.attention.bins, result.attention.bins]);
    assert.equal(result.attention.maps.dtype, "uint8");
    assert.deepEqual(result.attention.rows.dims, [4, 4, T]);
    assert.equal(Buffer.from(result.attention.rows.base64, "base64").length, 4 * 4 * T * 4);
    assert.deepEqual(result.positions.layers.map((l: { mode: string }) => l.mode), ["none", "repo", "repo", "repo"]);
  });

  test("the human output lists tokens by line with their indices, the chosen token's keys and the folds", async () => {
    const run = await cli([reminders, "--lines", "1-3", "--token", "3", "--variant", "rope"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /lines 1-3: \d+ tokens/);
    assert.match(run.stdout, /model: rope, 4 layers x 4 heads, beta 1\.000/);
    assert.match(run.stdout, /^ {5}1 {2}\[0\] "/m);
    assert.match(run.stdout, /token 3 ".*" attends to:\n {2}layer 0 head 0: \d+ /);
    assert.match(run.stdout, /layer 3 \(rope\): tokens folded per head 0, 0, 0, 0/);
  });

  test("--question reads the memory of the folder's index: --json carries the slots, the text lists them", async () => {
    const tree = path.join(temp, "tree");
    await cp(path.join(repo, "samples/taskboard/api"), tree, { recursive: true });
    const store = path.join(temp, "store");
    const workspace = await Workspace.open(tree, { storeDir: store });
    await workspace.index().finally(() => workspace.dispose());
    const file = path.join(tree, "src/reminders.ts");
    const question = "where is the reminder time computed?";
    const json = await cli([file, "--lines", "1-12", "--question", question, "--in", tree, "--store", store, "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const { memory, memoryReason, analyses } = JSON.parse(json.stdout);
    assert.equal(memoryReason, undefined);
    assert.ok(analyses.includes("memory"));
    assert.deepEqual(memory.reader, { question });
    assert.equal(memory.shardsRead, 1);
    const [slot] = memory.shards[0].slots;
    assert.deepEqual(Object.keys(slot).sort(), ["slot", "weight", "writer", "writes"]);
    assert.deepEqual(Object.keys(slot.writer).sort(), ["endLine", "file", "line", "startLine"]);
    const text = await cli([file, "--lines", "1-12", "--question", question, "--in", tree, "--store", store]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^memory read by question "where is the reminder time computed\?": the strongest slots of 1 shard$/m);
    const token = await cli([file, "--lines", "1-12", "--token", "5", "--in", tree, "--store", store]);
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^memory read by token 5: the strongest slots of 1 shard$/m);
    assert.match(text.stdout, new RegExp(`^ {4}slot ${slot.slot} {2}weight ${slot.weight.toFixed(3)} {2}\\d+ writes? {2}written at ${slot.writer.file}:${slot.writer.line} \\(chunk lines \\d+-\\d+\\)$`, "m"));
  });

  test("control characters in a file name are escaped in the header", async () => {
    const odd = path.join(temp, "odd\u001b[31mname.ts");
    await writeFile(odd, "export const a = 1;\n");
    const run = await cli([odd]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /odd\\x1b\[31mname\.ts lines 1-1/);
    assert.ok(!run.stdout.includes("\u001b"));
  });

  test("bad input: one line on stderr", async () => {
    const binary = path.join(temp, "blob.bin");
    await writeFile(binary, Buffer.from([1, 2, 0, 3]));
    const empty = path.join(temp, "empty.ts");
    await writeFile(empty, "");
    await assertOneLineError([reminders, "--lines", "900-901"], 1, /Bad line range 900-901/);
    await assertOneLineError([binary], 1, /binary file/);
    await assertOneLineError([empty], 1, /is empty/);
    await assertOneLineError([reminders, "--lines", "1-3", "--token", "5000"], 1, /token 5000 is outside the window/);
    await assertOneLineError([reminders, "--token=-1"], 2, /--token/);
    await assertOneLineError([reminders, "--variant", "yarn"], 2, /--variant is longlens or rope/);
    await assertOneLineError([reminders, "--question", " "], 2, /question is empty/);
    await assertOneLineError([reminders, "--question", "x", "--store", temp], 2, /--store needs --in/);
    await assertOneLineError([reminders, "--question", "x", "--in", path.join(temp, "missing")], 1, /No such file or folder/);
  });
});
