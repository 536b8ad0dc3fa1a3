import { access, readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { readLexicalIndex } from "../lexical/lexicalFile";
import type { LexicalIndex } from "../lexical/lexicalIndex";
import { errorCode } from "../reader/errorCode";
import { type Catalog, isCatalog } from "./catalog";
import { sha256, sha256OfFile } from "./fileHash";
import { CATALOG_NAME, GENERATION_FILE_NAME, GENERATION_NAME, LEXICAL_NAME, type Manifest, STORE_FORMAT, STORE_VERSION, type StoreLayout } from "./storeLayout";

const gunzipAsync = promisify(gunzip);

export interface LoadedStore {
  generation: string;
  catalog: Catalog;
  lexical: LexicalIndex;
  /** The generation's further files (writeGeneration's extraFiles) by name: absolute paths, checksums verified. */
  extraFiles: ReadonlyMap<string, string>;
}

/** A store, or why there is none usable: `problem` is set when something is there but cannot be used. */
export type StoreRead = { store: LoadedStore; problem?: undefined } | { store?: undefined; problem?: string };

class StoreProblem extends Error {}

function isChecksumList(value: unknown): value is Record<string, string> {
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).every(([name, hash]) => GENERATION_FILE_NAME.test(name) && typeof hash === "string" && /^[0-9a-f]{64}$/.test(hash));
}

async function readManifest(layout: StoreLayout): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(layout.manifest, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw new StoreProblem(`manifest.json cannot be read (${errorCode(error)})`);
  }
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw new StoreProblem("manifest.json is not valid JSON");
  }
  if (manifest?.format !== STORE_FORMAT) throw new StoreProblem("manifest.json is not a LongLens store manifest");
  if (manifest.version !== STORE_VERSION) {
    throw new StoreProblem(`store format version ${String(manifest.version)}, this LongLens uses version ${STORE_VERSION}`);
  }
  if (typeof manifest.generation !== "string" || !GENERATION_NAME.test(manifest.generation)) {
    throw new StoreProblem("manifest.json names no valid generation");
  }
  if (!isChecksumList(manifest.files) || !(CATALOG_NAME in manifest.files) || !(LEXICAL_NAME in manifest.files)) {
    throw new StoreProblem("manifest.json lists no checksums for the generation's files");
  }
  return manifest as Manifest;
}

/** A file of the generation, checked against the manifest's sha256 before anything reads it. */
async function readChecked(layout: StoreLayout, manifest: Manifest, name: string, what: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(layout.generationFile(manifest.generation, name));
  } catch (error) {
    throw new StoreProblem(`${what} cannot be read (${errorCode(error)})`);
  }
  if (sha256(bytes) !== manifest.files[name]) throw new StoreProblem(`${what} is damaged (checksum mismatch)`);
  return bytes;
}

/** A gzipped JSON file of the generation, checked, as text. */
async function readCheckedText(layout: StoreLayout, manifest: Manifest, name: string, what: string): Promise<string> {
  const bytes = await readChecked(layout, manifest, name, what);
  try {
    return (await gunzipAsync(bytes)).toString("utf8");
  } catch (error) {
    throw new StoreProblem(`${what} cannot be read (${errorCode(error)})`);
  }
}

/** The generation's further files, each checked; a damaged optional one is left out (its reader rebuilds it). */
async function checkExtraFiles(layout: StoreLayout, manifest: Manifest): Promise<Map<string, string>> {
  const extra = new Map<string, string>();
  const optional = new Set(Array.isArray(manifest.optional) ? manifest.optional : []);
  for (const [name, hash] of Object.entries(manifest.files)) {
    if (name === CATALOG_NAME || name === LEXICAL_NAME) continue;
    const file = layout.generationFile(manifest.generation, name);
    const actual = await sha256OfFile(file).catch((error: unknown) => {
      if (optional.has(name)) return undefined;
      throw new StoreProblem(`${name} cannot be read (${errorCode(error)})`);
    });
    if (actual === hash) extra.set(name, file);
    else if (!optional.has(name)) throw new StoreProblem(`${name} is damaged (checksum mismatch)`);
  }
  return extra;
}

async function readOnce(layout: StoreLayout): Promise<StoreRead> {
  try {
    const manifest = await readManifest(layout);
    if (!manifest) return {};
    let catalog: unknown;
    try {
      catalog = JSON.parse(await readCheckedText(layout, manifest, CATALOG_NAME, "the catalog"));
    } catch (error) {
      throw error instanceof StoreProblem ? error : new StoreProblem("the catalog is not valid JSON");
    }
    if (!isCatalog(catalog)) throw new StoreProblem("the catalog has an unexpected shape");
    let lexical: LexicalIndex;
    try {
      // A line at a time: one string of a huge file's index would weigh more than the index (lexical/lexicalFile.ts).
      lexical = await readLexicalIndex(await readChecked(layout, manifest, LEXICAL_NAME, "the lexical index"));
    } catch (error) {
      throw error instanceof StoreProblem ? error : new StoreProblem("the lexical index is damaged");
    }
    const extraFiles = await checkExtraFiles(layout, manifest);
    return { store: { generation: manifest.generation, catalog, lexical, extraFiles } };
  } catch (error) {
    if (error instanceof StoreProblem) return { problem: error.message };
    throw error;
  }
}

/**
 * Reads the current generation, every file checked against its checksum. If another process swapped
 * generations between our reading the manifest and the files (and removed the old ones), reading again
 * finds the new generation.
 */
export async function readStore(layout: StoreLayout): Promise<StoreRead> {
  const first = await readOnce(layout);
  return first.problem ? readOnce(layout) : first;
}

/** Cheap check for a usable store: a valid manifest whose generation files exist (contents are not read). */
export async function checkStore(layout: StoreLayout): Promise<{ usable: boolean; problem?: string }> {
  try {
    const manifest = await readManifest(layout);
    if (!manifest) return { usable: false };
    const optional = new Set(Array.isArray(manifest.optional) ? manifest.optional : []);
    const needed = Object.keys(manifest.files).filter((name) => !optional.has(name));
    await Promise.all(needed.map((name) => access(layout.generationFile(manifest.generation, name))));
    return { usable: true };
  } catch (error) {
    return { usable: false, problem: error instanceof StoreProblem ? error.message : "the current generation's files are missing" };
  }
}

/** The generation the manifest names now, or undefined when there is no usable manifest. */
export async function currentGeneration(layout: StoreLayout): Promise<string | undefined> {
  return readManifest(layout).then(
    (manifest) => manifest?.generation,
    () => undefined,
  );
}
