// The inspector on its own thread, as the extension runs it: the same answers as on the calling thread, the
// same one-line errors, and the caller's event loop keeps turning while the model runs.
import assert from "node:assert/strict";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { after, describe, test } from "node:test";
import { LongLensError } from "../../src/engine/errors";
import { Inspector } from "../../src/engine/inspect/inspector";
import { InspectorThread } from "../../src/engine/inspect/inspectorThread";
import { readTextFile } from "../../src/engine/inspect/textWindow";

const repo = join(import.meta.dirname, "../..");
const reminders = join(repo, "samples/taskboard/api/src/reminders.ts");
const dumpFile = join(repo, "samples/taskboard/fixtures/large-dump.json");

const thread = new InspectorThread();
const here = new Inspector();
after(async () => {
  await Promise.all([thread.dispose(), here.dispose()]);
});

describe("inspect on the inspector's thread", () => {
  test("a window and a token's rows are the ones the calling thread computes", async () => {
    const text = await readTextFile(reminders);
    const [a, b] = await Promise.all([thread.inspectText(text, "reminders.ts", { lines: [1, 12], token: 9 }), here.inspectText(text, "reminders.ts", { lines: [1, 12], token: 9 })]);
    assert.deepEqual({ ...a, seconds: 0 }, { ...b, seconds: 0 });
    const ids = a.tokens.map((t) => t.id);
    assert.deepEqual(await thread.tokenRows(ids, 20, "rope"), await here.tokenRows(ids, 20, "rope"));
  });

  test("bad input comes back as the same one-line LongLensError, and the thread still answers", async () => {
    await assert.rejects(thread.tokenRows([1, 2, 3], 7), (error: unknown) => {
      assert.ok(error instanceof LongLensError);
      assert.equal(error.code, "BAD_TOKEN");
      assert.equal(error.message, "The token 7 is outside the window: it has tokens 0-2.");
      return true;
    });
    await assert.rejects(thread.inspectText("", "empty.ts"), LongLensError);
    assert.equal((await thread.inspectText("const a = 1;\n", "a.ts")).tokens.length > 0, true);
  });

  test("the caller's event loop keeps turning while a 2,000-token window runs", async (t) => {
    const text = await readTextFile(dumpFile);
    await thread.preload();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const result = await thread.inspectText(text, "large-dump.json", { lines: [1, 5000] });
    const runMs = performance.now() - started;
    delay.disable();
    const stallMs = delay.max / 1e6;
    t.diagnostic(`${result.tokens.length} tokens in ${runMs.toFixed(0)} ms; the caller's worst stall ${stallMs.toFixed(0)} ms`);
    assert.ok(result.tokens.length > 1500);
    // On the calling thread the stall is the whole run (onnxruntime-node runs synchronously).
    assert.ok(stallMs < runMs / 3, `stalled ${stallMs.toFixed(0)} ms of a ${runMs.toFixed(0)} ms run`);
  });
});
