import { mkdir, rm } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { throwIfCancelled } from "../cancel";
import { type OpenedFile, newContents, openAhead } from "../chunk/chunkFile";
import { type IndexedChunk, type StoredChunk, withFile } from "../chunk/indexedChunk";
import { type TokenCounter, loadTokenCounter } from "../chunk/tokenCounter";
import { type LexicalIndex, addChunks, compactLexicalIndex, createLexicalIndex, removeChunks } from "../lexical/lexicalIndex";
import { errorCode } from "../reader/errorCode";
import { type WalkOptions, type WalkedFile, walkWorkspace } from "../reader/walk";
import type { IndexChanges, IndexProgress, IndexResult, SkippedFile } from "../types";
import { BlobWriter, blobKeys, readBlob } from "./blobs";
import type { CatalogFile } from "./catalog";
import { readStore } from "./readStore";
import type { StoreLayout } from "./storeLayout";
import { lockStore } from "./storeLock";
import { collectGarbage, writeGeneration } from "./writeGeneration";

/** Chunks handed to the lexical index at once: large enough to amortise, small enough for a huge file. */
const CHUNK_BATCH = 256;
/** Files found between two scan progress reports. */
const SCAN_PROGRESS_EVERY = 500;

export interface IndexJob {
  root: string;
  isSingleFile: boolean;
  layout: StoreLayout;
  walk: WalkOptions;
  signal?: AbortSignal;
  onProgress?: (progress: IndexProgress) => void;
}

interface RunState {
  job: IndexJob;
  lexical: LexicalIndex;
  counter: TokenCounter;
  blobs: Set<string>;
}

/** Feeds chunks to the lexical index (and to a new blob when `writer` is set); returns ids and token count. */
async function indexChunks(state: RunState, file: WalkedFile, chunks: AsyncIterable<StoredChunk>, writer?: BlobWriter) {
  const ids: string[] = [];
  let tokens = 0;
  let batch: IndexedChunk[] = [];
  const flush = (): void => {
    addChunks(state.lexical, batch);
    batch = [];
  };
  try {
    for await (const stored of chunks) {
      await writer?.write(stored);
      const chunk = withFile(file.path, stored);
      ids.push(chunk.id);
      tokens += state.counter.count(chunk.text);
      batch.push(chunk);
      if (batch.length >= CHUNK_BATCH) {
        flush();
        throwIfCancelled(state.job.signal);
      }
    }
    flush();
    await writer?.commit();
    return { ids, tokens };
  } catch (error) {
    removeChunks(state.lexical, ids);
    await writer?.discard();
    throw error;
  }
}

/** Indexes one new or changed file, reusing the chunks stored for identical contents when there are any. */
async function indexFile(state: RunState, file: WalkedFile, opened: OpenedFile): Promise<CatalogFile> {
  const { layout } = state.job;
  const record = (result: { ids: string[]; tokens: number }): CatalogFile => ({
    path: file.path,
    size: file.size,
    mtimeMs: file.mtimeMs,
    hash: opened.hash,
    chunksKey: opened.chunksKey,
    tokens: result.tokens,
    chunkIds: result.ids,
  });
  if (state.blobs.has(opened.chunksKey)) {
    try {
      return record(await indexChunks(state, file, readBlob(layout, opened.chunksKey)));
    } catch {
      throwIfCancelled(state.job.signal);
      // A damaged blob is rebuilt from the file.
      state.blobs.delete(opened.chunksKey);
      await rm(layout.blob(opened.chunksKey), { force: true });
    }
  }
  await mkdir(layout.blobs, { recursive: true });
  const result = record(await indexChunks(state, file, opened.chunks(), new BlobWriter(layout.blob(opened.chunksKey))));
  state.blobs.add(opened.chunksKey);
  return result;
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

/**
 * Brings the store up to date with the tree: only added, changed and removed files cost work. The new state
 * is written as a new generation and made current in one rename; a failure or an abort before that leaves
 * the previous index in place.
 */
export async function buildIndex(job: IndexJob): Promise<IndexResult> {
  const started = performance.now();
  const { layout, signal, onProgress } = job;
  await mkdir(layout.dir, { recursive: true });
  const unlock = await lockStore(layout);
  try {
    const counter = await loadTokenCounter();
    const warnings: string[] = [];
    const previous = await readStore(layout);
    let base = previous.store;
    if (previous.problem) warnings.push(`The index at ${layout.dir} was unusable (${previous.problem}); rebuilt it.`);
    if (base && base.catalog.tokenCounter !== counter.name) {
      warnings.push(`Tokens are now counted by ${counter.name} (was ${base.catalog.tokenCounter}); rebuilt the index.`);
      base = undefined;
    }
    const state: RunState = { job, lexical: base?.lexical ?? createLexicalIndex(), counter, blobs: await blobKeys(layout) };
    const previousFiles = new Map((base?.catalog.files ?? []).map((file) => [file.path, file]));

    const skipped: SkippedFile[] = [];
    const files = await scan(job, skipped);
    const changes: IndexChanges = { added: 0, changed: 0, removed: 0, unchanged: 0, read: 0 };
    const catalogFiles: CatalogFile[] = [];
    const toRead: { file: WalkedFile; old: CatalogFile | undefined }[] = [];
    for (const file of files) {
      const old = previousFiles.get(file.path);
      previousFiles.delete(file.path);
      if (old && old.size === file.size && old.mtimeMs === file.mtimeMs && state.blobs.has(old.chunksKey)) {
        catalogFiles.push(old);
        changes.unchanged++;
      } else {
        toRead.push({ file, old });
      }
    }
    let tokensRead = 0;
    // Contents already in a blob, or about to be, are not chunked again: indexFile reads their blob instead.
    const opening = openAhead(toRead, newContents(state.blobs));
    for await (const [{ file, old }, outcome] of opening) {
      onProgress?.({ phase: "read", filesDone: changes.unchanged + changes.read, filesTotal: files.length, file: file.path });
      throwIfCancelled(signal);
      changes.read++;
      if ("skippedReason" in outcome) {
        skipped.push({ path: file.path, reason: outcome.skippedReason });
        if (old) previousFiles.set(file.path, old); // counted as removed below
        continue;
      }
      if (old && old.chunksKey === outcome.opened.chunksKey && state.blobs.has(old.chunksKey)) {
        catalogFiles.push({ ...old, size: file.size, mtimeMs: file.mtimeMs });
        changes.unchanged++;
        continue;
      }
      if (old) removeChunks(state.lexical, old.chunkIds);
      try {
        const indexed = await indexFile(state, file, outcome.opened);
        catalogFiles.push(indexed);
        tokensRead += indexed.tokens;
        if (old) changes.changed++;
        else changes.added++;
      } catch (error) {
        throwIfCancelled(signal);
        // The file vanished or became unreadable while it was read.
        skipped.push({ path: file.path, reason: `unreadable (${errorCode(error)})` });
        if (old) changes.removed++;
      }
    }
    for (const gone of previousFiles.values()) {
      removeChunks(state.lexical, gone.chunkIds);
      changes.removed++;
    }
    throwIfCancelled(signal);
    onProgress?.({ phase: "index", filesDone: files.length, filesTotal: files.length });
    await compactLexicalIndex(state.lexical);
    throwIfCancelled(signal);
    onProgress?.({ phase: "write", filesDone: files.length, filesTotal: files.length });
    const generation = await writeGeneration(layout, { tokenCounter: counter.name, files: catalogFiles }, state.lexical);
    await collectGarbage(layout, generation, new Set(catalogFiles.map((file) => file.chunksKey)));

    const seconds = (performance.now() - started) / 1000;
    return {
      files: catalogFiles.length,
      chunks: catalogFiles.reduce((sum, file) => sum + file.chunkIds.length, 0),
      tokens: catalogFiles.reduce((sum, file) => sum + file.tokens, 0),
      tokenCounter: counter.name,
      skipped,
      seconds,
      tokensPerSecond: seconds > 0 ? tokensRead / seconds : 0,
      changes,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  } finally {
    await unlock();
  }
}
