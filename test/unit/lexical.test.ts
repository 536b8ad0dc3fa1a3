import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { storedChunk, withFile } from "../../src/engine/chunk/indexedChunk";
import { readLexicalIndex, writeLexicalIndex } from "../../src/engine/lexical/lexicalFile";
import { addChunks, createLexicalIndex, searchLexical } from "../../src/engine/lexical/lexicalIndex";
import { bestLine, snippetAround } from "../../src/engine/lexical/snippet";
import { identifierParts, searchTerms } from "../../src/engine/lexical/terms";
import { Workspace } from "../../src/engine/workspace";
import { polyglotCopy, tempDir } from "../fixtures/fixtureTrees";

test("identifiers are split into their words, and kept whole", () => {
  assert.deepEqual(identifierParts("parseHTTPResponse"), ["parse", "http", "response"]);
  assert.deepEqual(identifierParts("RingBuffer"), ["ring", "buffer"]);
  assert.deepEqual(identifierParts("max_retry_count"), ["max", "retry", "count"]);
  assert.deepEqual(identifierParts("utf8Decode"), ["utf", "8", "decode"]);
  assert.deepEqual(identifierParts("plain"), []);
  assert.deepEqual(searchTerms("Where is parseConfigFile defined?"), ["parseconfigfile", "parse", "config", "file", "defined"]);
  assert.deepEqual(searchTerms("my-kebab-name src/engine/userStore.ts"), ["my", "kebab", "name", "src", "engine", "userstore", "user", "store", "ts"]);
});

test("the snippet centres on the line matching the most specific terms", () => {
  const text = Array.from({ length: 30 }, (_, i) => (i === 20 ? "function parseConfigFile(file) {" : `const value${i} = config;`)).join("\n");
  const best = bestLine(text, ["parseconfigfile", "parse", "config", "file"]);
  assert.equal(best, 20);
  const snippet = snippetAround(text, best);
  assert.equal(snippet.first, 17);
  assert.equal(snippet.text.split("\n").length, 12);
  assert.equal(snippet.text.split("\n")[3], "function parseConfigFile(file) {");
  assert.deepEqual(snippetAround("one\ntwo", 1), { first: 0, text: "one\ntwo" });
});

test("a question naming an identifier finds the file that defines it first", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store });
  const { hits } = await workspace.ask("Where is parseConfigFile defined?");
  assert.equal(hits[0]?.file, "src/config/parseConfigFile.ts");
  assert.ok(hits.some((hit) => hit.file === "src/server/requestRouter.ts"), "the file using it ranks too");
  assert.ok(hits.length <= 10);
  for (const [i, hit] of hits.entries()) {
    assert.ok(hit.sources.includes("lexical") || hit.sources.includes("semantic"), hit.sources.join());
    assert.ok(hit.snippet.split("\n").length <= 12);
    assert.equal(hit.endLine - hit.startLine + 1, hit.snippet.split("\n").length);
    if (i > 0) assert.ok(hit.score <= hits[i - 1]!.score);
  }
  assert.match(hits[0]!.snippet, /export function parseConfigFile\(file: string\): ServerConfig \{/);

  const words = await workspace.ask("split identifier into words kebab case", { top: 2 });
  assert.equal(words.hits.length, 2);
  assert.equal(words.hits[0]?.file, "lib/strings.js");
  assert.equal((await workspace.ask("ring buffer overwrites oldest")).hits[0]?.file, "native/ring_buffer.rs");
  assert.equal((await workspace.ask("coverage ratio threshold table")).hits[0]?.file, "tools/coverage_report.py");
  assert.equal((await workspace.ask("most frequent words")).hits[0]?.file, "cmd/report/main.go");
  assert.deepEqual((await workspace.ask("zyzzyva quux")).hits, []);
});

test("a needle points at the best line with a confidence in [0, 1]", async (t) => {
  const { tree, store } = await polyglotCopy(t);
  const workspace = await Workspace.open(tree, { storeDir: store });
  // The model answers needles (test/unit/needle.test.ts); without an answer the best lexical line is kept.
  const needle = await workspace.needle("ADLER_MOD");
  assert.ok(["", "65521u"].includes(needle.answer), needle.answer);
  assert.equal(needle.file, "native/adler32.c");
  assert.equal(needle.line, 5);
  assert.ok(needle.confidence >= 0 && needle.confidence <= 1);
  assert.equal(needle.hits[0]?.file, "native/adler32.c");

  const nothing = await workspace.needle("zyzzyva");
  assert.deepEqual({ ...nothing, reason: undefined, candidates: undefined }, { answer: "", file: "", line: 0, confidence: 0, hits: [], answers: [], reason: undefined, candidates: undefined });
  assert.match(nothing.reason!, /zyzzyva/);
});

/** A saved lexical index with its terms as an object: a loaded index may list them in another order. */
function byTerm(json: string): unknown {
  const saved = JSON.parse(json) as { index: [string, unknown][] };
  return { ...saved, index: Object.fromEntries(saved.index) };
}

test("the lexical index written piece by piece is the document MiniSearch writes, and reads back the same", async (t) => {
  // This repository's engine sources, a chunk per file: thousands of terms, so the postings span more than one piece.
  const engine = path.join(__dirname, "../../src/engine");
  const files = (await readdir(engine, { recursive: true })).filter((name) => name.endsWith(".ts")).sort();
  const index = createLexicalIndex();
  for (const file of files) {
    const text = await readFile(path.join(engine, file), "utf8");
    addChunks(index, [withFile(file, storedChunk({ start: 1, end: text.split("\n").length }, { start: 0, end: text.length }, "lines", text, []))]);
  }
  const dir = await tempDir(t);
  for (const [name, written] of [["engine", index], ["empty", createLexicalIndex()]] as const) {
    const target = path.join(dir, `${name}.json.gz`);
    await writeLexicalIndex(written, target);
    const bytes = await readFile(target);
    const text = gunzipSync(bytes).toString("utf8");
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(written)), name);
    // Read a line at a time, and in the earlier writer's form (the whole document on one line) too.
    for (const [form, loaded] of [["lines", await readLexicalIndex(bytes)], ["one line", await readLexicalIndex(gzipSync(JSON.stringify(written)))]] as const) {
      assert.deepEqual(byTerm(JSON.stringify(loaded)), byTerm(text), `${name}, ${form}`);
      for (const question of ["where is the store lock taken?", "parseConfigFile", "memory shard provenance"]) {
        assert.deepEqual(searchLexical(loaded, question, 5), searchLexical(written, question, 5), `${name}, ${form}: ${question}`);
      }
    }
    if (name === "engine") assert.ok(index.termCount > 2048, `${index.termCount} terms: more than one piece`);
  }
  const target = path.join(dir, "engine.json.gz");
  const lines = gunzipSync(await readFile(target)).toString("utf8").split("\n");
  await assert.rejects(readLexicalIndex(gzipSync(lines.slice(0, -5).join("\n"))), /the lexical index is truncated/);
  await assert.rejects(readLexicalIndex(gzipSync(`${lines.join("\n")}\n["extra",{}]`)), /goes on after its end/);
});
