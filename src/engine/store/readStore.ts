import { access, readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { type LexicalIndex, loadLexicalIndex } from "../lexical/lexicalIndex";
import { type Catalog, isCatalog } from "./catalog";
import { type Manifest, STORE_FORMAT, STORE_VERSION, type StoreLayout } from "./storeLayout";

const gunzipAsync = promisify(gunzip);

export interface LoadedStore {
  generation: string;
  catalog: Catalog;
  lexical: LexicalIndex;
}

/** A store, or why there is none usable: `problem` is set when something is there but cannot be used. */
export type StoreRead = { store: LoadedStore; problem?: undefined } | { store?: undefined; problem?: string };

class StoreProblem extends Error {}

async function readManifest(layout: StoreLayout): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(layout.manifest, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StoreProblem(`manifest.json cannot be read (${(error as NodeJS.ErrnoException).code})`);
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
  if (typeof manifest.generation !== "string" || !/^[\w-]+$/.test(manifest.generation)) {
    throw new StoreProblem("manifest.json names no valid generation");
  }
  return manifest as Manifest;
}

async function readGzippedJson(file: string, what: string): Promise<string> {
  try {
    return (await gunzipAsync(await readFile(file))).toString("utf8");
  } catch (error) {
    throw new StoreProblem(`${what} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

async function readOnce(layout: StoreLayout): Promise<StoreRead> {
  try {
    const manifest = await readManifest(layout);
    if (!manifest) return {};
    let catalog: unknown;
    try {
      catalog = JSON.parse(await readGzippedJson(layout.catalog(manifest.generation), "the catalog"));
    } catch (error) {
      throw error instanceof StoreProblem ? error : new StoreProblem("the catalog is not valid JSON");
    }
    if (!isCatalog(catalog)) throw new StoreProblem("the catalog has an unexpected shape");
    let lexical: LexicalIndex;
    try {
      lexical = loadLexicalIndex(await readGzippedJson(layout.lexical(manifest.generation), "the lexical index"));
    } catch (error) {
      throw error instanceof StoreProblem ? error : new StoreProblem("the lexical index is damaged");
    }
    return { store: { generation: manifest.generation, catalog, lexical } };
  } catch (error) {
    if (error instanceof StoreProblem) return { problem: error.message };
    throw error;
  }
}

/**
 * Reads the current generation. If another process swapped generations between our reading the manifest and
 * the files (and removed the old ones), reading again finds the new generation.
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
    await Promise.all([access(layout.catalog(manifest.generation)), access(layout.lexical(manifest.generation))]);
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
