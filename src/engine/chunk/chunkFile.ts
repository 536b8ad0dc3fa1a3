import { unlessCancelled } from "../cancel";
import { READ_AHEAD_FILES, readAhead } from "../reader/readAhead";
import type { WalkedFile } from "../reader/walk";
import { readTextBytes } from "../reader/readSource";
import { chunkBytes } from "./chunkPool";
import { PARSE_MAX_BYTES, WHOLE_FILE_MAX_BYTES } from "./chunkSize";
import type { StoredChunk } from "./indexedChunk";
import { grammarFor } from "./languages";
import { probeLargeFile, streamLineWindows } from "./streamLineWindows";

/** A readable text file, hashed, whose chunks can be produced on demand. */
export interface OpenedFile {
  /** sha256 of the raw bytes, hex. */
  hash: string;
  /** Same contents chunked the same way give the same chunks: "<hash>-v<CHUNKER_VERSION>-<method>". */
  chunksKey: string;
  /** 1-based lines that hold a secret: indexed as REDACTED_LINE, to be reported (path and line, never the text). */
  redactedLines: readonly number[];
  /** Starts chunking in the background (a worker thread), so that it overlaps other work; chunks() then waits for it. */
  startChunking(): void;
  /** The chunks; `signal` ends the wait for a worker (its first file can wait seconds for the worker to start). */
  chunks(signal?: AbortSignal): AsyncIterable<StoredChunk>;
}

export type OpenOutcome = { opened: OpenedFile } | { skippedReason: string };

/**
 * Goes up whenever the same bytes would give other chunks (boundaries, long-line pieces, redaction rules): the
 * key then differs, and chunks stored the old way are never reused, so no line redacted now can come back from
 * an old blob. 2: long lines cut into pieces, secret lines redacted.
 */
const CHUNKER_VERSION = 2;

/** How a file of this name and size is chunked: a grammar name, or "lines". */
export function chunkingMethod(fileName: string, size: number): string {
  return (size <= PARSE_MAX_BYTES && grammarFor(fileName)) || "lines";
}

/**
 * Opens a file for chunking. Files up to WHOLE_FILE_MAX_BYTES are read whole and hashed here, and decoded,
 * parsed (up to PARSE_MAX_BYTES) and chunked on a worker thread; larger ones are hashed in one streaming pass
 * and chunked in a second, so a huge file is never held in memory.
 */
export async function openForChunking(absPath: string, fileName: string, size: number): Promise<OpenOutcome> {
  const method = chunkingMethod(fileName, size);
  if (size <= WHOLE_FILE_MAX_BYTES) {
    const read = await readTextBytes(absPath);
    if ("skippedReason" in read) return read;
    const grammar = method === "lines" ? undefined : method;
    let chunked: Promise<StoredChunk[]> | undefined;
    const startChunking = (): Promise<StoredChunk[]> => {
      chunked ??= chunkBytes(read.bytes, grammar);
      chunked.catch(() => undefined); // awaited by chunks(); not unhandled when the caller never asks for them
      return chunked;
    };
    const chunks = async function* (signal?: AbortSignal): AsyncGenerator<StoredChunk> {
      yield* await unlessCancelled(startChunking(), signal);
    };
    const { hash, redactLines } = read.bytes;
    return { opened: { hash, chunksKey: `${hash}-v${CHUNKER_VERSION}-${method}`, redactedLines: redactLines, startChunking, chunks } };
  }
  const probe = await probeLargeFile(absPath);
  if ("skippedReason" in probe) return probe;
  return {
    opened: {
      hash: probe.hash,
      chunksKey: `${probe.hash}-v${CHUNKER_VERSION}-lines`,
      redactedLines: probe.redactLines,
      startChunking: () => undefined, // streamed lazily: starting early would hold what streaming avoids holding
      chunks: () => streamLineWindows(absPath, probe),
    },
  };
}

/**
 * Opens `items` in order, READ_AHEAD_FILES ahead of the consumer, and starts chunking each opened file that
 * `needsChunks` accepts as soon as it is read: with several files in flight, the chunk workers all stay busy
 * while the consumer handles the earlier files.
 */
export function openAhead<T extends { file: WalkedFile }>(
  items: Iterable<T>,
  needsChunks: (opened: OpenedFile) => boolean,
): AsyncGenerator<[T, OpenOutcome]> {
  return readAhead(items, READ_AHEAD_FILES, async ({ file }) => {
    const outcome = await openForChunking(file.absPath, file.path, file.size);
    if ("opened" in outcome && needsChunks(outcome.opened)) outcome.opened.startChunking();
    return outcome;
  });
}

/**
 * An openAhead filter that chunks each content once: not when `stored` already holds its chunks, nor when an
 * earlier file of this run has the same bytes (packages often ship identical copies, e.g. .d.ts and .d.cts).
 */
export function newContents(stored: ReadonlySet<string>): (opened: OpenedFile) => boolean {
  const started = new Set<string>();
  return ({ chunksKey }) => {
    if (stored.has(chunksKey) || started.has(chunksKey)) return false;
    started.add(chunksKey);
    return true;
  };
}
