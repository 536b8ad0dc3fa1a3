import { createHash } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type { StoredChunk } from "../chunk/indexedChunk";
import { errorCode } from "../reader/errorCode";
import { temporaryPath } from "./atomicFile";
import { sha256OfFile } from "./fileHash";
import { StoreWriteError } from "./storeWriteError";
import { BLOB_NAME, type BlobRef, CHUNKS_KEY, FILE_MODE, type StoreLayout, TEMPORARY_SUFFIX } from "./storeLayout";

/** A blob that is missing or whose bytes do not match the hash in its name. */
export class BlobProblem extends Error {}

/**
 * Writes the chunks of one file content as gzipped JSON lines, streaming, to a temporary name; commit renames
 * it to a name carrying the sha256 of its bytes, which every read checks. Blobs are not synced one by one
 * (that would cost a disk flush per file): a blob damaged by a crash fails its check, and is rebuilt.
 */
export class BlobWriter {
  private readonly gzip = createGzip();
  private readonly hash = createHash("sha256");
  private readonly temporary: string;
  private readonly written: Promise<void>;
  private failure: unknown;

  constructor(
    private readonly layout: StoreLayout,
    private readonly chunksKey: string,
  ) {
    this.temporary = temporaryPath(path.join(layout.blobs, chunksKey));
    this.gzip.on("data", (piece: Buffer) => this.hash.update(piece));
    // A write error (a full disk) rejects `written` instead of being an unhandled 'error' event.
    this.written = pipeline(this.gzip, createWriteStream(this.temporary, { mode: FILE_MODE }));
    this.written.catch((error: unknown) => {
      this.failure = error;
    });
  }

  /** Throws a StoreWriteError when the blob cannot be written: the run stops, unlike for a source that cannot be read. */
  async write(chunk: StoredChunk): Promise<void> {
    if (this.failure) throw new StoreWriteError(this.layout, this.failure);
    try {
      if (!this.gzip.write(`${JSON.stringify(chunk)}\n`)) await Promise.race([once(this.gzip, "drain"), this.written]);
    } catch (error) {
      throw new StoreWriteError(this.layout, error);
    }
  }

  async commit(): Promise<BlobRef> {
    try {
      this.gzip.end();
      await this.written;
      const ref = { chunksKey: this.chunksKey, blobSha256: this.hash.digest("hex") };
      await rename(this.temporary, this.layout.blob(ref));
      return ref;
    } catch (error) {
      throw new StoreWriteError(this.layout, error);
    }
  }

  async discard(): Promise<void> {
    this.gzip.destroy();
    await this.written.catch(() => undefined);
    await rm(this.temporary, { force: true });
  }
}

/** Why a blob cannot be used ("missing", "damaged"), or undefined when its bytes match its hash. */
export async function blobProblem(layout: StoreLayout, ref: BlobRef): Promise<string | undefined> {
  try {
    return (await sha256OfFile(layout.blob(ref))) === ref.blobSha256 ? undefined : "damaged (checksum mismatch)";
  } catch (error) {
    return errorCode(error) === "ENOENT" ? "missing" : `unreadable (${errorCode(error)})`;
  }
}

/**
 * The chunks of a blob, streamed; stopping early closes the file. The blob's hash is checked first (a second
 * pass over bytes the first left in the page cache), so nothing from a damaged blob is ever served.
 */
export async function* readBlob(layout: StoreLayout, ref: BlobRef): AsyncGenerator<StoredChunk> {
  const problem = await blobProblem(layout, ref);
  if (problem) throw new BlobProblem(`the stored chunks are ${problem}`);
  const file = createReadStream(layout.blob(ref));
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

/** The blobs present by contents key, read once per run instead of one stat per file. */
export async function blobsOnDisk(layout: StoreLayout): Promise<Map<string, BlobRef>> {
  const refs = new Map<string, BlobRef>();
  for (const name of await readdir(layout.blobs).catch(() => [] as string[])) {
    const match = BLOB_NAME.exec(name);
    if (match) refs.set(match[1]!, { chunksKey: match[1]!, blobSha256: match[2]! });
  }
  return refs;
}

/** Blob names of version 1 stores (no hash), and temporary files of interrupted blob writes. */
const LEFTOVER_BLOB_NAME = new RegExp(`^${CHUNKS_KEY}(\\.jsonl\\.gz$|${TEMPORARY_SUFFIX.source})`);

/** Deletes blobs not in `inUse` and leftovers of interrupted writes: only names the store writes. */
export async function removeUnusedBlobs(layout: StoreLayout, inUse: Iterable<BlobRef>): Promise<void> {
  const keep = new Set([...inUse].map((ref) => path.basename(layout.blob(ref))));
  for (const name of await readdir(layout.blobs).catch(() => [] as string[])) {
    const unused = BLOB_NAME.test(name) ? !keep.has(name) : LEFTOVER_BLOB_NAME.test(name);
    if (unused) await rm(path.join(layout.blobs, name), { force: true });
  }
}
