import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { finished } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type { StoredChunk } from "../chunk/indexedChunk";
import { temporaryPath } from "./atomicFile";
import type { StoreLayout } from "./storeLayout";

const BLOB_SUFFIX = ".jsonl.gz";

/**
 * Writes the chunks of one file content as gzipped JSON lines, streaming, to a temporary name renamed on
 * commit. Blobs are not synced one by one (that would cost a disk flush per file); a damaged blob fails its
 * gzip check when read, and the indexer then rebuilds it.
 */
export class BlobWriter {
  private readonly gzip = createGzip();
  private readonly output: ReturnType<typeof createWriteStream>;
  private readonly temporary: string;

  constructor(private readonly target: string) {
    this.temporary = temporaryPath(target);
    this.output = createWriteStream(this.temporary);
    this.gzip.pipe(this.output);
  }

  async write(chunk: StoredChunk): Promise<void> {
    if (!this.gzip.write(`${JSON.stringify(chunk)}\n`)) await once(this.gzip, "drain");
  }

  async commit(): Promise<void> {
    this.gzip.end();
    await finished(this.output);
    await rename(this.temporary, this.target);
  }

  async discard(): Promise<void> {
    this.gzip.destroy();
    this.output.destroy();
    await rm(this.temporary, { force: true });
  }
}

/** The chunks of a blob, streamed; stopping early closes the file. A missing or damaged blob throws. */
export async function* readBlob(layout: StoreLayout, key: string): AsyncGenerator<StoredChunk> {
  const file = createReadStream(layout.blob(key));
  const unzipped = createGunzip();
  file.on("error", (error) => unzipped.destroy(error));
  const lines = createInterface({ input: file.pipe(unzipped), crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line) yield JSON.parse(line) as StoredChunk;
  } finally {
    lines.close();
    unzipped.destroy();
    file.destroy();
  }
}

function blobKeyOf(name: string): string | undefined {
  return name.endsWith(BLOB_SUFFIX) ? name.slice(0, -BLOB_SUFFIX.length) : undefined;
}

/** Keys of the blobs present, read once per run instead of one stat per file. */
export async function blobKeys(layout: StoreLayout): Promise<Set<string>> {
  const names = await readdir(layout.blobs).catch(() => [] as string[]);
  return new Set(names.map(blobKeyOf).filter((key): key is string => key !== undefined));
}

/** Deletes blobs no file refers to any more, and temporary files of interrupted writes. */
export async function removeUnusedBlobs(layout: StoreLayout, inUse: ReadonlySet<string>): Promise<void> {
  for (const name of await readdir(layout.blobs).catch(() => [] as string[])) {
    const key = blobKeyOf(name);
    if (key === undefined ? name.includes(".tmp-") : !inUse.has(key)) await rm(path.join(layout.blobs, name), { force: true });
  }
}
