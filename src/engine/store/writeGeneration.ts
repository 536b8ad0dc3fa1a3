import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { LexicalIndex } from "../lexical/lexicalIndex";
import { removeUnusedBlobs } from "./blobs";
import { fsyncPath, temporaryPath, writeFileAtomic } from "./atomicFile";
import type { Catalog } from "./catalog";
import { type Manifest, STORE_FORMAT, STORE_VERSION, type StoreLayout } from "./storeLayout";

const gzipAsync = promisify(gzip);

/**
 * Makes a new generation current: its files are written and synced under a temporary folder name, the folder
 * is renamed into place, and only then the manifest is replaced (by rename) to point at it. A crash at any
 * step leaves the previous manifest and generation intact.
 */
export async function writeGeneration(layout: StoreLayout, catalog: Catalog, lexical: LexicalIndex): Promise<string> {
  const generation = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  const final = layout.generation(generation);
  const staging = temporaryPath(final);
  await mkdir(staging, { recursive: true });
  try {
    await writeFileAtomic(path.join(staging, path.basename(layout.catalog(generation))), await gzipAsync(JSON.stringify(catalog)));
    await writeFileAtomic(path.join(staging, path.basename(layout.lexical(generation))), await gzipAsync(JSON.stringify(lexical)));
    await fsyncPath(staging);
    await rename(staging, final);
    await fsyncPath(layout.generations);
    await fsyncPath(layout.blobs).catch(() => undefined); // a store of empty files has no blobs folder
    const manifest: Manifest = { format: STORE_FORMAT, version: STORE_VERSION, generation };
    await writeFileAtomic(layout.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    await fsyncPath(layout.dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return generation;
}

/**
 * Removes what the current generation no longer needs: other generations, unreferenced blobs and temporary
 * leftovers. Only names this store writes are touched, so a store folder shared with other files is safe.
 */
export async function collectGarbage(layout: StoreLayout, generation: string, blobKeysInUse: ReadonlySet<string>): Promise<void> {
  for (const name of await readdir(layout.generations).catch(() => [] as string[])) {
    if (name !== generation) await rm(path.join(layout.generations, name), { recursive: true, force: true });
  }
  await removeUnusedBlobs(layout, blobKeysInUse);
  for (const name of await readdir(layout.dir).catch(() => [] as string[])) {
    if (name.startsWith("manifest.json.tmp-")) await rm(path.join(layout.dir, name), { force: true });
  }
}
