import path from "node:path";

/**
 * On-disk layout of a store. Bump STORE_VERSION whenever the layout, the chunker or the lexical index
 * options change: an older store is then reported and rebuilt instead of misread.
 *
 *   longlens-store                      marker, written first: only a folder holding it (or an empty one) is used
 *   manifest.json                       { format, version, generation, files: { name: sha256 } } swapped by rename, last
 *   generations/<id>/catalog.json.gz    files and their chunk ids
 *   generations/<id>/lexical.json.gz    MiniSearch index
 *   generations/<id>/<extra>            further files a caller adds to a generation (see writeGeneration)
 *   blobs/<chunksKey>.<sha256>.jsonl.gz chunks of one file content, shared by generations; named by their own hash
 */
export const STORE_FORMAT = "longlens-store";
export const STORE_VERSION = 2;

/** Names the store writes, and so the only ones it ever deletes. */
export const MARKER_NAME = "longlens-store";
/** openForChunking's chunksKey: "<sha256 of the file>-<chunking method>". */
export const CHUNKS_KEY = "[0-9a-f]{64}-[\\w-]+";
export const BLOB_NAME = new RegExp(`^(${CHUNKS_KEY})\\.([0-9a-f]{64})\\.jsonl\\.gz$`);
/** temporaryPath's suffix: what an interrupted write leaves behind. */
export const TEMPORARY_SUFFIX = /\.tmp-\d+-[0-9a-f]{8}$/;
const GENERATION_ID = "[0-9a-z]+-[0-9a-f]{8}";
export const GENERATION_NAME = new RegExp(`^${GENERATION_ID}$`);
/** A generation being written (or left by a killed run). */
export const STAGING_NAME = new RegExp(`^${GENERATION_ID}${TEMPORARY_SUFFIX.source}`);

/** Where a memory pass writes its new shards before they join a generation: `<store>/memory-pass.tmp-*`. */
export const MEMORY_PASS_DIR = "memory-pass";

/** A further file of a generation: a plain name (see writeGeneration's extraFiles). */
export const GENERATION_FILE_NAME = /^[\w-][\w.-]*$/;

/** Stores hold the indexed code: only their owner may read them. */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export interface Manifest {
  format: typeof STORE_FORMAT;
  version: number;
  generation: string;
  /** sha256 (hex) of every file of the generation, by name: checked when the generation is read. */
  files: Record<string, string>;
  /** Files of `files` that a reader can do without (it rebuilds what they hold): one that is damaged is left out, not fatal. */
  optional?: string[];
}

/** Where a blob lies: the contents it holds the chunks of, and the sha256 of its own bytes. */
export interface BlobRef {
  chunksKey: string;
  blobSha256: string;
}

export class StoreLayout {
  constructor(readonly dir: string) {}

  get marker(): string {
    return path.join(this.dir, MARKER_NAME);
  }
  get manifest(): string {
    return path.join(this.dir, "manifest.json");
  }
  get lock(): string {
    return path.join(this.dir, "index.lock");
  }
  get generations(): string {
    return path.join(this.dir, "generations");
  }
  get blobs(): string {
    return path.join(this.dir, "blobs");
  }
  generation(id: string): string {
    return path.join(this.generations, id);
  }
  generationFile(generation: string, name: string): string {
    return path.join(this.generation(generation), name);
  }
  catalog(generation: string): string {
    return this.generationFile(generation, CATALOG_NAME);
  }
  lexical(generation: string): string {
    return this.generationFile(generation, LEXICAL_NAME);
  }
  blob(ref: BlobRef): string {
    return path.join(this.blobs, `${ref.chunksKey}.${ref.blobSha256}.jsonl.gz`);
  }
}

export const CATALOG_NAME = "catalog.json.gz";
export const LEXICAL_NAME = "lexical.json.gz";
