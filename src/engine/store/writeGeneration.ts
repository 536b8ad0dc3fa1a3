import { randomBytes } from "node:crypto";
import { chmod, mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { cancelled, throwIfCancelled } from "../cancel";
import { writeLexicalIndex } from "../lexical/lexicalFile";
import type { LexicalIndex } from "../lexical/lexicalIndex";
import { fsyncPath, temporaryPath, writeFileAtomic } from "./atomicFile";
import { removeUnusedBlobs } from "./blobs";
import type { Catalog } from "./catalog";
import { sha256, sha256OfFile } from "./fileHash";
import {
  type BlobRef,
  CATALOG_NAME,
  DIR_MODE,
  FILE_MODE,
  GENERATION_FILE_NAME,
  GENERATION_NAME,
  LEXICAL_NAME,
  MEMORY_PASS_DIR,
  type Manifest,
  STORE_FORMAT,
  STORE_VERSION,
  STAGING_NAME,
  type StoreLayout,
  TEMPORARY_SUFFIX,
} from "./storeLayout";

const gzipAsync = promisify(gzip);

/**
 * A further file of a generation (e.g. a memory shard): `write` creates it at `target`, inside the staging
 * folder; writeGeneration then syncs it and records its sha256 in the manifest, and readStore checks it.
 */
export interface GenerationFile {
  /** A plain file name: letters, digits, '_', '-' and '.', not starting with '.'. */
  name: string;
  write(target: string): Promise<void>;
  /** A file readers can rebuild what it holds without (a cache): when damaged it is left out of the store, not fatal. */
  optional?: boolean;
}

function checkNames(files: readonly GenerationFile[]): void {
  const seen = new Set([CATALOG_NAME, LEXICAL_NAME]);
  for (const { name } of files) {
    if (!GENERATION_FILE_NAME.test(name) || seen.has(name)) throw new Error(`Invalid or repeated generation file name '${name}'`);
    seen.add(name);
  }
}

/** Writes one in-memory file of the staging folder, synced; returns its sha256. */
async function writeData(staging: string, name: string, data: Uint8Array): Promise<string> {
  await writeFileAtomic(path.join(staging, name), data);
  return sha256(data);
}

/** Has a caller-written file of the staging folder written, then syncs, restricts and hashes it. */
async function writeExtra(staging: string, file: GenerationFile, signal: AbortSignal | undefined): Promise<string> {
  throwIfCancelled(signal);
  const target = path.join(staging, file.name);
  await file.write(target);
  await chmod(target, FILE_MODE);
  await fsyncPath(target);
  return sha256OfFile(target, signal);
}

/**
 * Makes a new generation current: its files are written and synced under a temporary folder name, the folder
 * is renamed into place, and only then the manifest (with every file's sha256) is replaced by rename to point
 * at it. A crash at any step leaves the previous manifest and generation intact. An abort (`signal`) is honoured
 * between files and inside the long ones (the lexical index, hashing) until the folder is renamed into place:
 * the staging folder is then removed and the previous generation stays current.
 */
export async function writeGeneration(
  layout: StoreLayout,
  catalog: Catalog,
  lexical: LexicalIndex,
  extraFiles: readonly GenerationFile[] = [],
  signal?: AbortSignal,
): Promise<string> {
  checkNames(extraFiles);
  const generation = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  const final = layout.generation(generation);
  const staging = temporaryPath(final);
  await mkdir(layout.generations, { recursive: true, mode: DIR_MODE });
  await mkdir(staging, { mode: DIR_MODE });
  try {
    const files: Record<string, string> = {
      [CATALOG_NAME]: await writeData(staging, CATALOG_NAME, await gzipAsync(JSON.stringify(catalog))),
      // Streamed: one string of a huge file's index would weigh more than the index (lexical/lexicalFile.ts).
      [LEXICAL_NAME]: await writeExtra(staging, { name: LEXICAL_NAME, write: (target) => writeLexicalIndex(lexical, target, signal) }, signal),
    };
    for (const file of extraFiles) files[file.name] = await writeExtra(staging, file, signal);
    // The last point to stop at: once renamed, the folder is no longer staging, and the manifest follows at once.
    throwIfCancelled(signal);
    await fsyncPath(staging);
    await rename(staging, final);
    await fsyncPath(layout.generations);
    await fsyncPath(layout.blobs).catch(() => undefined); // a store of empty files has no blobs folder
    const optional = extraFiles.filter((file) => file.optional).map((file) => file.name);
    const manifest: Manifest = { format: STORE_FORMAT, version: STORE_VERSION, generation, files, ...(optional.length > 0 ? { optional } : {}) };
    await writeFileAtomic(layout.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    await fsyncPath(layout.dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // A stream stopped by the signal fails with its own AbortError; the caller is told the run was cancelled.
    throw signal?.aborted ? cancelled() : error;
  }
  return generation;
}

const ROOT_LEFTOVER = new RegExp(`^(manifest\\.json|longlens-store|index\\.lock|${MEMORY_PASS_DIR})${TEMPORARY_SUFFIX.source}`);

/**
 * Removes what the current generation (`keep`; none when the store is cleared) no longer needs: other
 * generations, unreferenced blobs and leftovers of interrupted or killed runs. Only names this store writes
 * are touched.
 */
export async function collectGarbage(layout: StoreLayout, keep: string | undefined, blobsInUse: Iterable<BlobRef>): Promise<void> {
  for (const name of await readdir(layout.generations).catch(() => [] as string[])) {
    const ours = GENERATION_NAME.test(name) || STAGING_NAME.test(name);
    if (ours && name !== keep) await rm(path.join(layout.generations, name), { recursive: true, force: true });
  }
  await removeUnusedBlobs(layout, blobsInUse);
  for (const name of await readdir(layout.dir).catch(() => [] as string[])) {
    if (ROOT_LEFTOVER.test(name)) await rm(path.join(layout.dir, name), { recursive: true, force: true });
  }
}
