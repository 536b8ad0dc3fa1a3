import { mkdir } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { throwIfCancelled, unlessCancelled } from "../cancel";
import { type OpenedFile, newContents, openAhead } from "../chunk/chunkFile";
import { type IndexedChunk, type StoredChunk, withFile } from "../chunk/indexedChunk";
import { type TokenCounter, loadTokenCounter } from "../chunk/tokenCounter";
import { type LexicalIndex, addChunks, compactLexicalIndex, createLexicalIndex, removeChunks } from "../lexical/lexicalIndex";
import { errorCode } from "../reader/errorCode";
import { readAhead } from "../reader/readAhead";
import { type WalkOptions, type WalkedFile, walkWorkspace } from "../reader/walk";
import type { IndexChanges, IndexProgress, IndexResult, SkippedFile } from "../types";
import { BlobWriter, readBlob } from "./blobs";
import type { CatalogFile } from "./catalog";
import { readStore } from "./readStore";
import { RunBlobs } from "./runBlobs";
import { claimStoreFolder } from "./storeFolder";
import { type BlobRef, DIR_MODE, type StoreLayout } from "./storeLayout";
import { ReadingOrder, byPath } from "./readingOrder";
import { lockStore } from "./storeLock";
import { StoreWriteError, asStoreError } from "./storeWriteError";
import type { MemoryOutcome } from "../indexing/memoryIndex";
import type { MemoryProgress } from "../indexing/memoryPass";
import { type GenerationFile, collectGarbage, writeGeneration } from "./writeGeneration";

/** Chunks handed to the lexical index at once: large enough to amortise, small enough for a huge file. */
const CHUNK_BATCH = 256;
/** Files found between two scan progress reports. */
const SCAN_PROGRESS_EVERY = 500;
/** Blob hashes computed at once: small files, so a few in flight keep the disk and the hash busy. */
const BLOB_CHECKS_AHEAD = 8;

export interface IndexJob {
  root: string;
  isSingleFile: boolean;
  layout: StoreLayout;
  walk: WalkOptions;
  signal?: AbortSignal;
  onProgress?: (progress: IndexProgress) => void;
  /**
   * The memory pass over the new catalog (indexing/memoryIndex.ts), given its files in reading order (by path)
   * as they are indexed; its files join the new generation. It reports its progress through `onMemory`.
   */
  memory?: (
    catalogFiles: AsyncIterable<CatalogFile>,
    previousFiles: ReadonlyMap<string, string> | undefined,
    onMemory: (progress: MemoryProgress) => void,
  ) => Promise<MemoryOutcome | undefined>;
  /** Further files made from the new catalog (the semantic vectors, semantic/semanticFile.ts); the previous generation's are given to reuse. */
  extraFiles?: (catalogFiles: readonly CatalogFile[], previousFiles: ReadonlyMap<string, string> | undefined) => Promise<GenerationFile[]>;
}

interface RunState {
  job: IndexJob;
  lexical: LexicalIndex;
  counter: TokenCounter;
  blobs: RunBlobs;
}

/** Where a file's chunks go besides the lexical index: a new blob, or nowhere when they come from a stored one. */
interface ChunkSink {
  write(chunk: StoredChunk): Promise<void>;
  commit(): Promise<BlobRef>;
  discard(): Promise<void>;
}

const storedBlob = (ref: BlobRef): ChunkSink => ({
  write: () => Promise.resolve(),
  commit: () => Promise.resolve(ref),
  discard: () => Promise.resolve(),
});

/** Feeds chunks to the lexical index and to `sink`; returns ids, token count and the blob that holds them. */
async function indexChunks(state: RunState, file: WalkedFile, chunks: AsyncIterable<StoredChunk>, sink: ChunkSink) {
  const ids: string[] = [];
  let tokens = 0;
  let batch: IndexedChunk[] = [];
  const flush = (): void => {
    addChunks(state.lexical, batch);
    batch = [];
  };
  try {
    for await (const stored of chunks) {
      // Each chunk, not each file: a 1 MB file takes about a second to count and index.
      throwIfCancelled(state.job.signal);
      await sink.write(stored);
      const chunk = withFile(file.path, stored);
      ids.push(chunk.id);
      tokens += state.counter.count(chunk.text);
      batch.push(chunk);
      if (batch.length >= CHUNK_BATCH) flush();
    }
    flush();
    return { ids, tokens, blob: await sink.commit() };
  } catch (error) {
    removeChunks(state.lexical, ids);
    await sink.discard();
    throw error;
  }
}

/** Indexes one new or changed file, reusing the chunks stored for identical contents when there are any. */
async function indexFile(state: RunState, file: WalkedFile, opened: OpenedFile): Promise<CatalogFile> {
  const { layout } = state.job;
  const record = ({ ids, tokens, blob }: { ids: string[]; tokens: number; blob: BlobRef }): CatalogFile => ({
    path: file.path,
    size: file.size,
    mtimeMs: file.mtimeMs,
    hash: opened.hash,
    chunksKey: blob.chunksKey,
    blobSha256: blob.blobSha256,
    tokens,
    chunkIds: ids,
  });
  const stored = await state.blobs.checked(opened.chunksKey);
  if (stored) return record(await indexChunks(state, file, readBlob(layout, stored), storedBlob(stored)));
  await mkdir(layout.blobs, { recursive: true, mode: DIR_MODE });
  const indexed = record(await indexChunks(state, file, opened.chunks(state.job.signal), new BlobWriter(layout, opened.chunksKey)));
  state.blobs.add(indexed);
  return indexed;
}

async function scan(job: IndexJob, skipped: SkippedFile[]): Promise<WalkedFile[]> {
  const files: WalkedFile[] = [];
  job.onProgress?.({ phase: "scan", filesDone: 0 });
  for await (const entry of walkWorkspace(job.root, job.isSingleFile, job.walk)) {
    throwIfCancelled(job.signal);
    if ("skipped" in entry) {
      skipped.push(entry.skipped);
    } else if (files.push(entry.file) % SCAN_PROGRESS_EVERY === 0) {
      job.onProgress?.({ phase: "scan", filesDone: files.length });
    }
  }
  return files;
}

/** One line for the files whose stored chunks could not be used (each is read again). */
function blobWarning(problems: { path: string; problem: string }[]): string | undefined {
  if (problems.length === 0) return undefined;
  const shown = problems.slice(0, 5).map(({ path, problem }) => `${path} (${problem})`);
  const more = problems.length > shown.length ? ` and ${problems.length - shown.length} more` : "";
  return `The stored chunks of ${problems.length} file${problems.length === 1 ? "" : "s"} could not be used, so they were read again: ${shown.join(", ")}${more}.`;
}

/**
 * Brings the store up to date with the tree: only added, changed and removed files cost work, and every
 * stored blob kept is checked against its hash. The new state is written as a new generation and made current
 * in one rename; a failure or an abort before that leaves the previous index in place, and what the run wrote
 * is removed.
 */
export async function buildIndex(job: IndexJob): Promise<IndexResult> {
  await claimStoreFolder(job.layout).catch((error: unknown) => {
    throw asStoreError(job.layout, error);
  });
  const unlock = await lockStore(job.layout).catch((error: unknown) => {
    throw asStoreError(job.layout, error);
  });
  const blobs = await RunBlobs.load(job.layout);
  try {
    return await updateIndex(job, blobs);
  } catch (error) {
    await blobs.removeWritten();
    throw asStoreError(job.layout, error);
  } finally {
    await unlock();
  }
}

/** What the lexical pass made of the tree: the new catalog, what changed, and the secrets it redacted. */
interface LexicalPass {
  catalogFiles: CatalogFile[];
  changes: IndexChanges;
  tokensRead: number;
  redacted: { path: string; lines: number[] }[];
}

/**
 * Reads the new and changed files into blobs and the lexical index, reusing intact stored chunks, and settles
 * each file in the memory's reading order as soon as it is done.
 */
async function lexicalPass(state: RunState, files: WalkedFile[], previousFiles: Map<string, CatalogFile>, skipped: SkippedFile[], warnings: string[], reading: ReadingOrder): Promise<LexicalPass> {
  const { job, blobs } = state;
  const { signal, onProgress } = job;
  const redacted: { path: string; lines: number[] }[] = [];
  const changes: IndexChanges = { added: 0, changed: 0, removed: 0, unchanged: 0, read: 0 };
  const catalogFiles: CatalogFile[] = [];
  const toRead: { file: WalkedFile; old: CatalogFile | undefined }[] = [];
  const same: { file: WalkedFile; old: CatalogFile }[] = [];
  for (const file of files) {
    const old = previousFiles.get(file.path);
    previousFiles.delete(file.path);
    if (old && old.size === file.size && old.mtimeMs === file.mtimeMs) same.push({ file, old });
    else toRead.push({ file, old });
  }
  // A file that looks unchanged keeps its chunks only if their blob is intact; otherwise it is read again.
  const unusable: { path: string; problem: string }[] = [];
  for await (const [entry, blob] of readAhead(same, BLOB_CHECKS_AHEAD, ({ old }) => blobs.checked(old.chunksKey, old.blobSha256))) {
    throwIfCancelled(signal);
    if (blob) {
      catalogFiles.push(entry.old);
      reading.settle(entry.old.path, entry.old);
      changes.unchanged++;
    } else {
      unusable.push({ path: entry.file.path, problem: blobs.problems.get(entry.old.chunksKey) ?? "missing" });
      toRead.push(entry);
    }
  }

  // In the memory's reading order, so that it can read each file soon after it is indexed.
  toRead.sort((a, b) => byPath(a.file.path, b.file.path));
  let tokensRead = 0;
  // Contents already in a blob, or about to be, are not chunked again: indexFile reads their blob instead.
  const opening = openAhead(toRead, newContents(blobs.keys()));
  for await (const [{ file, old }, outcome] of opening) {
    onProgress?.({ phase: "read", filesDone: changes.unchanged + changes.read, filesTotal: files.length, file: file.path });
    throwIfCancelled(signal);
    changes.read++;
    if ("skippedReason" in outcome) {
      skipped.push({ path: file.path, reason: outcome.skippedReason });
      if (old) previousFiles.set(file.path, old); // counted as removed below
      reading.settle(file.path);
      continue;
    }
    if (old && old.chunksKey === outcome.opened.chunksKey) {
      if (await blobs.checked(old.chunksKey, old.blobSha256)) {
        const kept = { ...old, size: file.size, mtimeMs: file.mtimeMs };
        catalogFiles.push(kept);
        reading.settle(file.path, kept);
        changes.unchanged++;
        continue;
      }
      unusable.push({ path: file.path, problem: blobs.problems.get(old.chunksKey) ?? "missing" });
    }
    if (old) removeChunks(state.lexical, old.chunkIds);
    try {
      const indexed = await indexFile(state, file, outcome.opened);
      catalogFiles.push(indexed);
      reading.settle(file.path, indexed);
      // Read after chunking: a streamed file finds its secret lines as it goes.
      if (outcome.opened.redactedLines.length > 0) redacted.push({ path: file.path, lines: [...outcome.opened.redactedLines] });
      tokensRead += indexed.tokens;
      if (old) changes.changed++;
      else changes.added++;
    } catch (error) {
      throwIfCancelled(signal);
      if (error instanceof StoreWriteError) throw error;
      // The file vanished or became unreadable while it was read.
      skipped.push({ path: file.path, reason: `unreadable (${errorCode(error)})` });
      reading.settle(file.path);
      if (old) changes.removed++;
    }
  }
  const unusableWarning = blobWarning(unusable);
  if (unusableWarning) warnings.push(unusableWarning);
  for (const gone of previousFiles.values()) {
    removeChunks(state.lexical, gone.chunkIds);
    changes.removed++;
  }
  throwIfCancelled(signal);
  onProgress?.({ phase: "index", filesDone: files.length, filesTotal: files.length });
  await compactLexicalIndex(state.lexical);
  throwIfCancelled(signal);
  return { catalogFiles, changes, tokensRead, redacted };
}

async function updateIndex(job: IndexJob, blobs: RunBlobs): Promise<IndexResult> {
  const started = performance.now();
  const { layout, signal, onProgress } = job;
  const counter = await loadTokenCounter();
  const warnings: string[] = [];
  const previous = await readStore(layout);
  let base = previous.store;
  if (previous.problem) warnings.push(`The index at ${layout.dir} was unusable (${previous.problem}); rebuilt it.`);
  if (base && base.catalog.tokenCounter !== counter.name) {
    warnings.push(`Tokens are now counted by ${counter.name} (was ${base.catalog.tokenCounter}); rebuilt the index.`);
    base = undefined;
  }
  const state: RunState = { job, lexical: base?.lexical ?? createLexicalIndex(), counter, blobs };
  const previousFiles = new Map((base?.catalog.files ?? []).map((file) => [file.path, file]));

  const skipped: SkippedFile[] = [];
  const files = await scan(job, skipped);
  // The memory pass starts now and reads each file as soon as it and every file before it are indexed: its
  // model runs on worker threads while this thread indexes later files. Its progress is told once they are all indexed.
  const reading = new ReadingOrder(files.map((file) => file.path));
  let latestMemory: MemoryProgress | undefined;
  let lexicalDone = false;
  const memoryProgress = (progress: MemoryProgress): void => {
    latestMemory = progress;
    if (lexicalDone) onProgress?.({ phase: "memory", filesDone: files.length, filesTotal: files.length, ...progress });
  };
  const memoryRun = job.memory?.(reading.files, base?.extraFiles, memoryProgress);
  memoryRun?.catch(() => undefined); // awaited once the files are indexed
  try {
    const { catalogFiles, changes, tokensRead, redacted } = await lexicalPass(state, files, previousFiles, skipped, warnings, reading);
    reading.end();
    lexicalDone = true;
    if (latestMemory) memoryProgress(latestMemory);
    // The further files (ask's vectors) are built on this thread while the memory pass finishes on its own. A
    // failed or cancelled pass leaves them unawaited.
    const further = job.extraFiles?.(catalogFiles, base?.extraFiles);
    further?.catch(() => undefined);
    const memory = await memoryRun;
    let generation: string;
    try {
      // Without a memory pass to wait for, the vectors of a large tree take seconds: an abort does not wait for them.
      const extraFiles = [...(memory?.files ?? []), ...((further && (await unlessCancelled(further, signal))) ?? [])];
      onProgress?.({ phase: "write", filesDone: files.length, filesTotal: files.length });
      generation = await writeGeneration(layout, { tokenCounter: counter.name, files: catalogFiles }, state.lexical, extraFiles, signal);
    } finally {
      await memory?.cleanup();
    }
    await collectGarbage(layout, generation, catalogFiles);

    const seconds = (performance.now() - started) / 1000;
    return {
      files: catalogFiles.length,
      chunks: catalogFiles.reduce((sum, file) => sum + file.chunkIds.length, 0),
      tokens: catalogFiles.reduce((sum, file) => sum + file.tokens, 0),
      tokenCounter: counter.name,
      skipped,
      ...(redacted.length > 0 ? { redacted } : {}),
      seconds,
      tokensPerSecond: seconds > 0 ? tokensRead / seconds : 0,
      changes,
      ...(memory ? { memory: memory.stats } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  } catch (error) {
    // The memory pass stops too (its files end with the error, and a cancel reaches its worker), in its own
    // time: its worker may be loading the model, and the run's failure is not held back for it. What the pass
    // wrote is removed when it ends, or by the next index.
    reading.fail(error);
    void memoryRun?.then((memory) => memory?.cleanup(), () => undefined);
    throw error;
  }
}
