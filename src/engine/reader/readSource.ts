import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { errorCode } from "./errorCode";
import { SNIFF_BYTES, detectEncoding, looksBinary, nextLineStart, textDecoder, type TextEncoding } from "./textEncoding";

/** A whole text file in memory (only files small enough to parse are read this way). */
export interface SourceText {
  raw: Buffer;
  encoding: TextEncoding;
  /** sha256 of the raw bytes, hex. */
  hash: string;
  /** The decoded text without BOM, line endings untouched (what the parser sees). */
  text: string;
  /** Decoded lines without their line break (CR of CRLF removed); a final line break adds no empty line. */
  lines: string[];
  /** Raw byte offset where each line starts, plus one final entry: the offset just past the last line. */
  lineStarts: number[];
}

export type ReadOutcome = { source: SourceText } | { skippedReason: string };

export function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Reads and decodes a text file, or says why it is not one (binary, unreadable). Invalid bytes become U+FFFD. */
export async function readSource(absPath: string): Promise<ReadOutcome> {
  let raw: Buffer;
  try {
    raw = await readFile(absPath);
  } catch (error) {
    return { skippedReason: `unreadable (${errorCode(error)})` };
  }
  const encoding = detectEncoding(raw);
  if (looksBinary(raw.subarray(0, SNIFF_BYTES), encoding)) return { skippedReason: "binary" };
  const text = textDecoder(encoding).decode(raw.subarray(encoding.bomLength));
  return { source: { raw, encoding, hash: sha256(raw), text, lines: splitLines(text), lineStarts: lineStarts(raw, encoding) } };
}

function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

function lineStarts(raw: Buffer, encoding: TextEncoding): number[] {
  const starts: number[] = [];
  let at = encoding.bomLength;
  while (at < raw.length) {
    starts.push(at);
    const next = nextLineStart(raw, at, encoding, encoding.bomLength);
    at = next < 0 ? raw.length : next;
  }
  starts.push(raw.length);
  return starts;
}
