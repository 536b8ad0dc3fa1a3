import assert from "node:assert/strict";
import { once } from "node:events";
import { createWriteStream, readdirSync } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { chunkingMethod, openForChunking } from "../../src/engine/chunk/chunkFile";
import { startChunkWorker } from "../../src/engine/chunk/chunkPool";
import { PARSE_MAX_BYTES, WHOLE_FILE_MAX_BYTES, TARGET_CHARS, TARGET_LINES } from "../../src/engine/chunk/chunkSize";
import { chunkInThisThread } from "../../src/engine/chunk/chunkSource";
import type { ChunkReply, ChunkRequest } from "../../src/engine/chunk/workerProtocol";
import { grammarFor } from "../../src/engine/chunk/languages";
import { readTextBytes } from "../../src/engine/reader/readSource";
import type { StoredChunk } from "../../src/engine/chunk/indexedChunk";
import { POLYGLOT, tempDir } from "../fixtures/fixtureTrees";

async function chunksOf(file: string, name = path.basename(file)): Promise<StoredChunk[]> {
  const opened = await openForChunking(file, name, (await stat(file)).size);
  assert.ok("opened" in opened, `${file} should be chunkable`);
  const chunks: StoredChunk[] = [];
  for await (const chunk of opened.opened.chunks()) chunks.push(chunk);
  return chunks;
}

/** Chunks are ordered, disjoint, and their byte ranges hold exactly their text. */
async function assertConsistent(file: string, chunks: StoredChunk[]): Promise<void> {
  const raw = await readFile(file);
  let previousEnd = 0;
  for (const chunk of chunks) {
    assert.ok(chunk.startLine > previousEnd && chunk.endLine >= chunk.startLine, `${chunk.startLine}-${chunk.endLine}`);
    previousEnd = chunk.endLine;
    const bytes = raw.subarray(chunk.startByte, chunk.endByte).toString("utf8").replace(/\r?\n$/, "").replace(/\r\n/g, "\n");
    assert.equal(bytes, chunk.text);
    assert.equal(chunk.text.split("\n").length, chunk.endLine - chunk.startLine + 1);
    assert.match(chunk.hash, /^[0-9a-f]{64}$/);
  }
}

function chunkDefining(chunks: StoredChunk[], symbol: string): StoredChunk {
  const found = chunks.find((chunk) => chunk.symbols.includes(symbol));
  assert.ok(found, `a chunk should define ${symbol}`);
  return found;
}

test("a TypeScript function with its doc comment is one chunk with exact lines", async () => {
  const file = path.join(POLYGLOT, "src/config/parseConfigFile.ts");
  const chunks = await chunksOf(file);
  await assertConsistent(file, chunks);
  const parse = chunkDefining(chunks, "parseConfigFile");
  assert.deepEqual([parse.startLine, parse.endLine, parse.kind], [11, 31, "function_declaration"]);
  assert.ok(parse.text.startsWith("/**\n * Reads a `key = value` configuration file."));
  assert.ok(parse.text.endsWith("  return config;\n}"));
});

test("syntax boundaries in Go, Python, Rust, C and a class", async () => {
  const expectations: [string, string, number, number][] = [
    ["cmd/report/main.go", "topWords", 22, 38],
    ["cmd/report/main.go", "wordCounts", 11, 20],
    ["native/adler32.c", "adler32_update", 7, 17],
    ["native/ring_buffer.rs", "tests", 38, 50],
    ["tools/coverage_report.py", "FileCoverage", 1, 16],
    ["src/server/requestRouter.ts", "RequestRouter", 5, 30],
  ];
  for (const [relative, symbol, startLine, endLine] of expectations) {
    const file = path.join(POLYGLOT, relative);
    const chunks = await chunksOf(file);
    await assertConsistent(file, chunks);
    const chunk = chunkDefining(chunks, symbol);
    assert.deepEqual([chunk.startLine, chunk.endLine], [startLine, endLine], `${relative} ${symbol}`);
  }
});

test("files without a grammar are cut into line windows", async () => {
  const file = path.join(POLYGLOT, "docs/README.md");
  const chunks = await chunksOf(file);
  assert.deepEqual(
    chunks.map((chunk) => [chunk.startLine, chunk.endLine, chunk.kind]),
    [[1, 11, "lines"]],
  );
});

test("an oversized function is split into windows; small declarations are packed", async (t) => {
  const dir = await tempDir(t);
  const body = Array.from({ length: 150 }, (_, i) => `  total += step(${i}, "value number ${i}");`);
  const constants = Array.from({ length: 6 }, (_, i) => `export const LIMIT_${i} = ${i * 10};`);
  const source = [...constants, "", "export function accumulate(step: (i: number, label: string) => number): number {", "  let total = 0;", ...body, "  return total;", "}", ""].join("\n");
  const file = path.join(dir, "accumulate.ts");
  await writeFile(file, source);
  const chunks = await chunksOf(file);
  await assertConsistent(file, chunks);
  assert.deepEqual([chunks[0]!.startLine, chunks[0]!.endLine], [1, 6], "the six constants share one chunk");
  assert.deepEqual(chunks[0]!.symbols, constants.map((_, i) => `LIMIT_${i}`));
  const pieces = chunks.slice(1);
  assert.ok(pieces.length >= 3);
  assert.equal(pieces[0]!.startLine, 8);
  assert.equal(pieces[pieces.length - 1]!.endLine, 161);
  assert.ok(pieces[0]!.symbols.includes("accumulate"));
  for (const [i, piece] of pieces.entries()) {
    assert.ok(piece.endLine - piece.startLine + 1 <= TARGET_LINES);
    assert.ok(piece.text.length <= TARGET_CHARS);
    if (i > 0) assert.equal(piece.startLine, pieces[i - 1]!.endLine + 1, "windows are contiguous");
  }
});

test("CRLF and BOM files keep exact lines and raw byte offsets", async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, "crlf.py");
  const lines = ["import os", "", "", "def home():", "    return os.environ['HOME']", "", "", "def user():", "    return os.environ['USER']", ""];
  await writeFile(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join("\r\n"))]));
  const chunks = await chunksOf(file);
  assert.equal(chunks[0]!.startByte, 3, "the BOM is not part of the first chunk");
  assert.equal(chunks.at(-1)!.endByte, (await stat(file)).size);
  const raw = await readFile(file);
  for (const chunk of chunks) {
    assert.ok(!chunk.text.includes("\r"));
    assert.equal(raw.subarray(chunk.startByte, chunk.endByte).toString("utf8").replace(/\r\n/g, "\n").replace(/\n$/, ""), chunk.text);
  }
  const all = chunks.map((chunk) => chunk.text).join("\n");
  assert.ok(all.includes("def user():"));
});

test("a 20 MB file is chunked from a stream with contiguous lines and bounded memory", async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, "server.log");
  const output = createWriteStream(file);
  let lines = 0;
  for (let bytes = 0; bytes < 20 * 1_048_576; lines++) {
    const line = `2024-05-01T12:00:${String(lines % 60).padStart(2, "0")}Z request ${lines} handled by worker ${lines % 16} in ${lines % 997} ms\n`;
    bytes += line.length;
    if (!output.write(line)) await once(output, "drain");
  }
  output.end();
  await once(output, "finish");
  const size = (await stat(file)).size;
  assert.ok(size > WHOLE_FILE_MAX_BYTES * 20);

  global.gc?.();
  const before = process.memoryUsage().rss;
  const opened = await openForChunking(file, "server.log", size);
  assert.ok("opened" in opened);
  let expectedLine = 1;
  let expectedByte = 0;
  let peak = before;
  let count = 0;
  for await (const chunk of opened.opened.chunks()) {
    assert.equal(chunk.startLine, expectedLine);
    assert.equal(chunk.startByte, expectedByte);
    assert.equal(chunk.kind, "lines");
    assert.ok(chunk.endLine - chunk.startLine + 1 <= TARGET_LINES);
    if (count === 1000) assert.ok(chunk.text.startsWith(`2024-05-01T12:00:${String((chunk.startLine - 1) % 60).padStart(2, "0")}Z request ${chunk.startLine - 1} `));
    expectedLine = chunk.endLine + 1;
    expectedByte = chunk.endByte;
    count++;
    if (count % 500 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  assert.equal(expectedLine - 1, lines);
  assert.equal(expectedByte, size);
  assert.ok(peak - before < 200 * 1_048_576, `rss grew by ${Math.round((peak - before) / 1_048_576)} MB`);
});

test("a chunk worker thread gives the same chunks as the calling thread", async (t) => {
  const worker = startChunkWorker();
  assert.ok(worker, "running from sources, the worker starts from chunkWorker.ts");
  t.after(() => worker.terminate());
  const files = readdirSync(POLYGLOT, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  assert.ok(files.length >= 10);
  for (const [id, entry] of files.entries()) {
    const file = path.join(entry.parentPath, entry.name);
    const read = await readTextBytes(file);
    assert.ok("bytes" in read, file);
    const grammar = grammarFor(entry.name);
    const reply = new Promise<ChunkReply>((resolve) => worker.once("message", resolve));
    worker.postMessage({ id, bytes: read.bytes, grammar } satisfies ChunkRequest);
    assert.deepEqual(await reply, { id, chunks: await chunkInThisThread(read.bytes, grammar) }, file);
  }
});

test("large files and compiler output get line windows, not syntax boundaries", async (t) => {
  const dir = await tempDir(t);
  const fn = (i: number) => `export function step${i}(value: number): number {\n  return value * ${i} + 1;\n}\n`;
  const large = path.join(dir, "generated.ts");
  let source = "";
  for (let i = 0; source.length <= PARSE_MAX_BYTES; i++) source += fn(i);
  await writeFile(large, source);
  assert.equal(chunkingMethod("generated.ts", source.length), "lines");
  const opened = await openForChunking(large, "generated.ts", source.length);
  assert.ok("opened" in opened && opened.opened.chunksKey.endsWith("-lines"));
  const largeChunks = await chunksOf(large);
  await assertConsistent(large, largeChunks);
  assert.ok(largeChunks.every((chunk) => chunk.kind === "lines"));

  const compiled = path.join(dir, "compiled.js");
  await writeFile(compiled, `${fn(1).replace(": number", "").replace(": number", "")}//# sourceMappingURL=compiled.js.map\n`);
  const compiledChunks = await chunksOf(compiled);
  await assertConsistent(compiled, compiledChunks);
  assert.deepEqual(compiledChunks.map((chunk) => chunk.kind), ["lines"]);

  const handWritten = path.join(dir, "handWritten.js");
  await writeFile(handWritten, fn(1).replace(": number", "").replace(": number", ""));
  assert.deepEqual((await chunksOf(handWritten)).map((chunk) => chunk.kind), ["function_declaration"]);
});
