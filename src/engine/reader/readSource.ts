import { createHash } from "node:crypto";
import { errorCode } from "./errorCode";
import { SPECIAL_FILE_REASON, readRegularFile } from "./regularFile";
import { PRIVATE_KEY_REASON, REDACTED_LINE, scanSecrets } from "./secretLines";
import { SNIFF_BYTES, detectEncoding, looksBinary, nextLineStart, scanningText, textDecoder, type TextEncoding } from "./textEncoding";

/**
 * A whole text file's bytes, checked and hashed but not yet decoded. Reading and hashing happen where the
 * index decides whether the file needs chunking at all; decoding happens where it is chunked (a worker thread),
 * so the two are separate steps.
 */
export interface TextBytes {
  raw: Uint8Array;
  encoding: TextEncoding;
  /** sha256 of the raw bytes, hex. */
  hash: string;
  /** 1-based lines that hold a secret, ascending: decoding replaces each with REDACTED_LINE. */
  redactLines: number[];
}

/** A whole text file in memory (only files small enough to parse are read this way). */
export interface SourceText extends TextBytes {
  /** The decoded text without BOM, line endings untouched (what the parser sees). */
  text: string;
  /** Decoded lines without their line break (CR of CRLF removed); a final line break adds no empty line. */
  lines: string[];
  /** Raw byte offset where each line starts, plus one final entry: the offset just past the last line. */
  lineStarts: number[];
}

export type BytesOutcome = { bytes: TextBytes } | { skippedReason: string };
export type ReadOutcome = { source: SourceText } | { skippedReason: string };

export function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Checks, scans for secrets and hashes a whole file's bytes: a text file's, or why it is not one. */
function textBytesOf(raw: Buffer): BytesOutcome {
  const encoding = detectEncoding(raw);
  if (looksBinary(raw.subarray(0, SNIFF_BYTES), encoding)) return { skippedReason: "binary" };
  const secrets = scanSecrets(scanningText(raw, encoding));
  if (secrets.privateKey) return { skippedReason: PRIVATE_KEY_REASON };
  return { bytes: { raw, encoding, hash: sha256(raw), redactLines: secrets.lines } };
}

/** Reads and hashes a text file, or says why it is not one (binary, secret, special, unreadable). */
export async function readTextBytes(absPath: string): Promise<BytesOutcome> {
  try {
    const raw = await readRegularFile(absPath);
    return raw ? textBytesOf(raw) : { skippedReason: SPECIAL_FILE_REASON };
  } catch (error) {
    return { skippedReason: `unreadable (${errorCode(error)})` };
  }
}

/** Decodes bytes read by readTextBytes, lines that hold secrets redacted. Invalid bytes become U+FFFD. */
export function decodeSource(bytes: TextBytes): SourceText {
  const { raw, encoding, redactLines } = bytes;
  const decoded = textDecoder(encoding).decode(raw.subarray(encoding.bomLength));
  const lines = splitLines(decoded);
  for (const line of redactLines) lines[line - 1] = REDACTED_LINE;
  // The parser sees the redacted lines too; joined by line feeds, rows stay where they were.
  const text = redactLines.length > 0 ? lines.join("\n") : decoded;
  return { ...bytes, text, lines, lineStarts: lineStarts(raw, encoding) };
}

/** Reads and decodes a text file, or says why it is not one (binary, secret, special, unreadable). */
export async function readSource(absPath: string): Promise<ReadOutcome> {
  const read = await readTextBytes(absPath);
  return "bytes" in read ? { source: decodeSource(read.bytes) } : read;
}

function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  // Most files have no CR at all: one search spares a pass that would test every line.
  if (!text.includes("\r")) return lines;
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

function lineStarts(raw: Uint8Array, encoding: TextEncoding): number[] {
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
