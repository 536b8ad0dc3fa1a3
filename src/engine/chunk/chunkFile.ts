import { readSource } from "../reader/readSource";
import { SYNTAX_MAX_BYTES } from "./chunkSize";
import { chunkSource } from "./chunkSource";
import type { StoredChunk } from "./indexedChunk";
import { grammarFor } from "./languages";
import { probeLargeFile, streamLineWindows } from "./streamLineWindows";

/** A readable text file, hashed, whose chunks can be produced on demand. */
export interface OpenedFile {
  /** sha256 of the raw bytes, hex. */
  hash: string;
  /** Same contents chunked the same way give the same chunks: "<hash>-<method>". */
  chunksKey: string;
  chunks(): AsyncIterable<StoredChunk>;
}

export type OpenOutcome = { opened: OpenedFile } | { skippedReason: string };

/** How a file of this name and size is chunked: a grammar name, or "lines". */
export function chunkingMethod(fileName: string, size: number): string {
  return (size <= SYNTAX_MAX_BYTES && grammarFor(fileName)) || "lines";
}

/**
 * Opens a file for chunking. Files up to SYNTAX_MAX_BYTES are read whole and parsed; larger ones are hashed
 * in one streaming pass and chunked in a second, so a huge file is never held in memory.
 */
export async function openForChunking(absPath: string, fileName: string, size: number): Promise<OpenOutcome> {
  const method = chunkingMethod(fileName, size);
  if (size <= SYNTAX_MAX_BYTES) {
    const read = await readSource(absPath);
    if ("skippedReason" in read) return read;
    const grammar = method === "lines" ? undefined : method;
    const chunks = async function* (): AsyncGenerator<StoredChunk> {
      yield* await chunkSource(read.source, grammar);
    };
    return { opened: { hash: read.source.hash, chunksKey: `${read.source.hash}-${method}`, chunks } };
  }
  const probe = await probeLargeFile(absPath);
  if ("skippedReason" in probe) return probe;
  return { opened: { hash: probe.hash, chunksKey: `${probe.hash}-lines`, chunks: () => streamLineWindows(absPath, probe.encoding) } };
}
