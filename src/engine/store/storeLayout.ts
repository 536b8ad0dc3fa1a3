import path from "node:path";

/**
 * On-disk layout of a store. Bump STORE_VERSION whenever the layout, the chunker or the lexical index
 * options change: an older store is then reported and rebuilt instead of misread.
 *
 *   manifest.json                       { format, version, generation } swapped by rename, last
 *   generations/<id>/catalog.json.gz    files and their chunk ids
 *   generations/<id>/lexical.json.gz    MiniSearch index
 *   blobs/<sha256>-<method>.jsonl.gz    chunks of one file content, shared by generations
 */
export const STORE_FORMAT = "longlens-store";
export const STORE_VERSION = 1;

export interface Manifest {
  format: typeof STORE_FORMAT;
  version: number;
  generation: string;
}

export class StoreLayout {
  constructor(readonly dir: string) {}

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
  catalog(generation: string): string {
    return path.join(this.generation(generation), "catalog.json.gz");
  }
  lexical(generation: string): string {
    return path.join(this.generation(generation), "lexical.json.gz");
  }
  blob(key: string): string {
    return path.join(this.blobs, `${key}.jsonl.gz`);
  }
}
