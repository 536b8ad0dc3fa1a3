import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LongLensError } from "../../src/engine/errors";
import { inspectFile } from "../../src/engine/inspect";

const dir = mkdtempSync(join(tmpdir(), "longlens-inspect-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function writeFile(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const source = "function add(a, b) {\r\n\treturn a + b; // sum\r\n}\n\nconst café = add(1, 2);\rexport default café;\n";

test("tokens of a line range carry their line numbers and rebuild the lines' text", async () => {
  const file = writeFile("sample.js", source);
  const result = await inspectFile(file, { lines: [2, 5] });
  assert.equal(result.file, file);
  assert.deepEqual([result.startLine, result.endLine], [2, 5]);
  assert.deepEqual(result.analyses, ["tokens"]);
  assert.equal(result.tokenizer, "models/tokenizer.json (byte-level BPE, 8192)");
  assert.equal(result.tokens.map((t) => t.text).join(""), "\treturn a + b; // sum\r\n}\n\nconst café = add(1, 2);\r");
  const lineOf = (text: string) => result.tokens.find((t) => t.text.includes(text))!.line;
  assert.equal(lineOf("return"), 2);
  assert.equal(lineOf("}"), 3);
  assert.equal(lineOf("const"), 5);
  assert.ok(result.tokens.every((t) => t.line >= 2 && t.line <= 5 && Number.isInteger(t.id)));
});

test("without a range the whole (short) file is inspected; an end past the last line is clamped", async () => {
  const file = writeFile("whole.js", source);
  const whole = await inspectFile(file);
  assert.deepEqual([whole.startLine, whole.endLine], [1, 6]);
  assert.equal(whole.tokens.map((t) => t.text).join(""), source);
  const clamped = await inspectFile(file, { lines: [6, 99] });
  assert.deepEqual([clamped.startLine, clamped.endLine], [6, 6]);
  assert.equal(clamped.tokens.map((t) => t.text).join(""), "export default café;\n");
});

test("missing files, folders, bad ranges and binary files are LongLensErrors", async () => {
  const file = writeFile("range.js", source);
  const fails = (promise: Promise<unknown>, pattern: RegExp) =>
    assert.rejects(promise, (e: unknown) => e instanceof LongLensError && pattern.test(e.message));
  await fails(inspectFile(join(dir, "nope.js")), /File not found/);
  await fails(inspectFile(dir), /Not a file/);
  await fails(inspectFile(file, { lines: [0, 2] }), /Bad line range/);
  await fails(inspectFile(file, { lines: [3, 2] }), /Bad line range/);
  await fails(inspectFile(file, { lines: [7, 9] }), /Bad line range/);
  await fails(inspectFile(writeFile("image.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x1a]))), /binary/);
  await fails(inspectFile(writeFile("latin1.txt", Buffer.from([0x63, 0x61, 0x66, 0xe9]))), /not UTF-8/);
});
