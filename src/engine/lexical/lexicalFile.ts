import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { LexicalIndex } from "./lexicalIndex";
import type { TermMap } from "./postings";

/** Terms per piece handed to gzip: large enough to amortise a write, small enough to hold nothing big. */
const TERMS_PER_PIECE = 2048;

interface Internals {
  _index: TermMap;
}

/**
 * MiniSearch.toJSON() as text, in pieces: toJSON() copies every posting into a plain object at once and
 * JSON.stringify then makes one string of that copy, which for a 200 MB file weighs more than the index
 * itself. The document is the same (MiniSearch.loadJSON reads it): the small fields come from toJSON() with
 * the term map set aside for the call, and the postings are written a few thousand terms at a time.
 */
export function* lexicalIndexJson(index: LexicalIndex): Generator<string> {
  const internals = index as unknown as Internals;
  const terms = internals._index;
  let header: Record<string, unknown>;
  internals._index = [];
  try {
    header = index.toJSON() as unknown as Record<string, unknown>;
  } finally {
    internals._index = terms;
  }
  const { index: emptyIndex, ...rest } = header;
  if (!Array.isArray(emptyIndex) || emptyIndex.length > 0) throw new Error("MiniSearch's toJSON() no longer reads its term map from _index");
  yield `${JSON.stringify(rest).slice(0, -1)},"index":[`;
  let piece: string[] = [];
  let separator = "";
  for (const [term, fields] of terms) {
    const data: Record<number, Record<number, number>> = {};
    for (const [fieldId, frequencies] of fields) data[fieldId] = Object.fromEntries(frequencies);
    piece.push(JSON.stringify([term, data]));
    if (piece.length >= TERMS_PER_PIECE) {
      yield `${separator}${piece.join(",")}`;
      piece = [];
      separator = ",";
    }
  }
  yield `${piece.length > 0 ? separator : ""}${piece.join(",")}]}`;
}

/** Writes the lexical index to `target` as gzipped JSON, streaming; `signal` stops it between pieces. */
export async function writeLexicalIndex(index: LexicalIndex, target: string, signal?: AbortSignal): Promise<void> {
  await pipeline(Readable.from(lexicalIndexJson(index)), createGzip(), createWriteStream(target, { flags: "wx" }), signal ? { signal } : {});
}
