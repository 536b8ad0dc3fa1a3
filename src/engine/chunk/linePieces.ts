import { type TextEncoding, textDecoder, wholeCharsLength } from "../reader/textEncoding";
import { TARGET_CHARS } from "./chunkSize";
import { type StoredChunk, storedChunk } from "./indexedChunk";

/** Bytes of one piece of a line too long for a chunk (a minified bundle, a data URI): about one chunk's text. */
export function pieceBytes(encoding: TextEncoding): number {
  return encoding.name === "utf-8" ? TARGET_CHARS : 2 * TARGET_CHARS;
}

/** End of the piece of a long line that starts at `from` in `bytes` and may run up to `limit`: whole characters only. */
export function pieceEnd(bytes: Uint8Array, from: number, limit: number, encoding: TextEncoding): number {
  const end = Math.min(limit, from + pieceBytes(encoding));
  if (end === limit) return end;
  const cut = from + wholeCharsLength(bytes.subarray(from, end), encoding);
  return cut > from ? cut : end; // a run of invalid bytes has no boundary to keep
}

/**
 * The chunk of one piece of line `line` (1-based): bytes start..end of the raw file, text decoded from `bytes`,
 * line breaks dropped. A redacted line's pieces all read as `redacted`.
 */
export function pieceChunk(line: number, start: number, bytes: Uint8Array, encoding: TextEncoding, redacted: string | undefined): StoredChunk {
  const text = redacted ?? textDecoder(encoding).decode(bytes).replace(/\r?\n$/, "");
  return storedChunk({ start: line, end: line }, { start, end: start + bytes.length }, "lines", text, []);
}

/**
 * A filter that drops a chunk repeating one just emitted for the same lines: pieces of one long line can read
 * alike (a run of padding, a redacted line), and two chunks with the same lines and text would have one id.
 */
export function repeatFilter(): (chunk: StoredChunk) => boolean {
  let lines = "";
  const hashes = new Set<string>();
  return (chunk) => {
    const key = `${chunk.startLine}-${chunk.endLine}`;
    if (key !== lines) {
      lines = key;
      hashes.clear();
    }
    if (hashes.has(chunk.hash)) return false;
    hashes.add(chunk.hash);
    return true;
  };
}
