import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LongLensError } from "../../src/engine/errors";
import { shippedModelsDir } from "../../src/engine/model/modelFiles";
import { CodeTokenizer, TOKENIZER_FILE } from "../../src/engine/model/tokenizer";

interface ParityFixture {
  tokenizer_sha256: string;
  cases: { text: string; ids: number[] }[];
}

const fixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/tokenizer-parity.json"), "utf8")) as ParityFixture;
const tokenizerPromise = CodeTokenizer.load();

test("the parity fixture was made with the shipped tokenizer", () => {
  const shipped = readFileSync(join(shippedModelsDir(), TOKENIZER_FILE));
  assert.equal(createHash("sha256").update(shipped).digest("hex"), fixture.tokenizer_sha256,
    "models/tokenizer.json changed: rerun models/training/tokenizer_parity.py");
  assert.ok(fixture.cases.length >= 1000);
});

test("TypeScript ids equal the Python ids for every parity snippet", async () => {
  const tokenizer = await tokenizerPromise;
  for (const { text, ids } of fixture.cases) assert.deepEqual(tokenizer.encode(text), ids, JSON.stringify(text.slice(0, 80)));
});

test("decode(encode(text)) gives the text back", async () => {
  const tokenizer = await tokenizerPromise;
  for (const { text } of fixture.cases) assert.equal(tokenizer.decode(tokenizer.encode(text)), text);
});

test("offsets cover the text contiguously and carry the same ids", async () => {
  const tokenizer = await tokenizerPromise;
  for (const { text, ids } of fixture.cases) {
    const spans = tokenizer.encodeWithOffsets(text);
    assert.deepEqual(spans.map((s) => s.id), ids);
    let at = 0;
    for (const span of spans) {
      assert.equal(span.start, at, JSON.stringify(text.slice(0, 80)));
      assert.ok(span.end >= span.start);
      at = span.end;
    }
    assert.equal(at, text.length);
  }
});

test("a character split across tokens belongs to the token holding its first byte", async () => {
  const tokenizer = await tokenizerPromise;
  const text = "𓀀"; // a rare 4-byte character: no merge covers it, so it is split into byte tokens
  const spans = tokenizer.encodeWithOffsets(text);
  assert.ok(spans.length > 1);
  assert.deepEqual(spans[0], { id: spans[0]!.id, start: 0, end: 2 });
  for (const span of spans.slice(1)) assert.deepEqual([span.start, span.end], [2, 2]);
});

test("vocabulary size, count and the end-of-text token", async () => {
  const tokenizer = await tokenizerPromise;
  assert.equal(tokenizer.vocabSize, 8192);
  assert.equal(tokenizer.count("const x = 1;\n"), tokenizer.encode("const x = 1;\n").length);
  assert.deepEqual(tokenizer.encode("<|endoftext|>"), [0]);
  assert.equal(tokenizer.decode([]), "");
});

test("a missing or malformed tokenizer.json is a LongLensError", async () => {
  const dir = mkdtempSync(join(tmpdir(), "longlens-tokenizer-"));
  try {
    await assert.rejects(CodeTokenizer.load(dir), (e: unknown) => e instanceof LongLensError && /not found/.test(e.message));
    writeFileSync(join(dir, TOKENIZER_FILE), "{ not json");
    await assert.rejects(CodeTokenizer.load(dir), (e: unknown) => e instanceof LongLensError && /not valid JSON/.test(e.message));
    writeFileSync(join(dir, TOKENIZER_FILE), JSON.stringify({ model: { type: "WordPiece", vocab: {} } }));
    await assert.rejects(CodeTokenizer.load(dir), (e: unknown) => e instanceof LongLensError && /byte-level BPE/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
