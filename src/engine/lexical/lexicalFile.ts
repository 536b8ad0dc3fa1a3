// The lexical index's file: MiniSearch's saved document (toJSON()), gzipped, written and read a term per line,
// so that neither one string nor one parsed object ever holds a huge file's postings whole.
import { createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type { AsPlainObject } from "minisearch";
import { type LexicalIndex, loadLexicalIndex } from "./lexicalIndex";
import { type FieldPostings, addSavedTerm, termMapOf } from "./postings";

/** Terms per piece handed to gzip: large enough to amortise a write, small enough to hold nothing big. */
const TERMS_PER_PIECE = 2048;
/** How the first line, the document's small fields, ends: the term list follows, a term per line. */
const TERMS_START = `"index":[`;
const DOCUMENT_END = "]}";

interface Internals {
  _index: Iterable<[string, FieldPostings]>;
}

/**
 * MiniSearch.toJSON() as text, in pieces: toJSON() copies every posting into a plain object at once and
 * JSON.stringify then makes one string of that copy, which for a 200 MB file weighs more than the index
 * itself. The document is the same (MiniSearch.loadJSON reads it): the small fields come from toJSON() with
 * the term map set aside for the call, on the first line, and then each term on a line of its own.
 */
export function* lexicalIndexJson(index: LexicalIndex): Generator<string> {
  const internals = index as unknown as Internals;
  const terms = termMapOf(index);
  let header: Record<string, unknown>;
  internals._index = [];
  try {
    header = index.toJSON() as unknown as Record<string, unknown>;
  } finally {
    internals._index = terms;
  }
  const { index: emptyIndex, ...rest } = header;
  if (!Array.isArray(emptyIndex) || emptyIndex.length > 0) throw new Error("MiniSearch's toJSON() no longer reads its term map from _index");
  yield `${JSON.stringify(rest).slice(0, -1)},${TERMS_START}`;
  let piece: string[] = [];
  let separator = "\n";
  for (const [term, fields] of terms) {
    const data: Record<number, Record<number, number>> = {};
    for (const [fieldId, frequencies] of fields) data[fieldId] = Object.fromEntries(frequencies);
    piece.push(JSON.stringify([term, data]));
    if (piece.length >= TERMS_PER_PIECE) {
      yield `${separator}${piece.join(",\n")}`;
      piece = [];
      separator = ",\n";
    }
  }
  yield `${piece.length > 0 ? `${separator}${piece.join(",\n")}` : ""}\n${DOCUMENT_END}`;
}

/** Writes the lexical index to `target` as gzipped JSON, streaming; `signal` stops it between pieces. */
export async function writeLexicalIndex(index: LexicalIndex, target: string, signal?: AbortSignal): Promise<void> {
  await pipeline(Readable.from(lexicalIndexJson(index)), createGzip(), createWriteStream(target, { flags: "wx" }), signal ? { signal } : {});
}

/**
 * Reads a lexical index file (its gzipped bytes) a line at a time: the small fields, then a term per line, long
 * posting lists going straight into Postings. A file of the earlier writer is one line and is parsed whole.
 */
export async function readLexicalIndex(gzipped: Uint8Array): Promise<LexicalIndex> {
  let index: LexicalIndex | undefined;
  let whole: string | undefined;
  let ended = false;
  for await (const line of createInterface({ input: Readable.from([gzipped]).pipe(createGunzip()), crlfDelay: Infinity })) {
    if (ended || whole !== undefined) throw new Error("the lexical index goes on after its end");
    if (index) {
      if (line === DOCUMENT_END) ended = true;
      else addSavedTerm(index, ...(JSON.parse(line.endsWith(",") ? line.slice(0, -1) : line) as [string, Record<string, Record<string, number>>]));
    } else if (line.endsWith(TERMS_START)) {
      index = loadLexicalIndex(JSON.parse(`${line}${DOCUMENT_END}`) as AsPlainObject);
    } else {
      whole = line;
    }
  }
  if (whole !== undefined) return loadLexicalIndex(JSON.parse(whole) as AsPlainObject);
  if (!index || !ended) throw new Error("the lexical index is truncated");
  return index;
}
