// `longlens inspect` as a user or a script runs it: a real process on real files.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

const repo = path.resolve(import.meta.dirname, "../..");
const reminders = path.join(repo, "samples/taskboard/api/src/reminders.ts");

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(repo, "src/cli/main.ts"), "inspect", ...args], { cwd: repo });
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
  });
});
