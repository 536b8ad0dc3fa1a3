import { sha256 } from "../reader/readSource";
import type { Chunk } from "../types";

/** A chunk plus the names it defines (functions, classes...), which the lexical index ranks highest. */
export interface IndexedChunk extends Chunk {
  symbols: string[];
}

/** The part of a chunk that depends only on the file's contents, as kept in the store. */
export type StoredChunk = Omit<IndexedChunk, "id" | "file">;

export function chunkId(file: string, startLine: number, endLine: number, hash: string): string {
  return `${file}#${startLine}-${endLine}@${hash.slice(0, 12)}`;
}

export function storedChunk(
  lines: { start: number; end: number },
  bytes: { start: number; end: number },
  kind: string,
  text: string,
  symbols: string[],
): StoredChunk {
  return { startLine: lines.start, endLine: lines.end, startByte: bytes.start, endByte: bytes.end, hash: sha256(text), kind, text, symbols };
}

export function withFile(file: string, stored: StoredChunk): IndexedChunk {
  return { ...stored, id: chunkId(file, stored.startLine, stored.endLine, stored.hash), file };
}

/** File and lines of a chunk, read back from its id (file names may themselves contain `#`). */
export function chunkLocation(id: string): { file: string; startLine: number; endLine: number } {
  const hashAt = id.lastIndexOf("#");
  const [startLine, endLine] = id.slice(hashAt + 1, id.lastIndexOf("@")).split("-").map(Number);
  return { file: id.slice(0, hashAt), startLine: startLine!, endLine: endLine! };
}
