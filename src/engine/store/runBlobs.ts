import { rm } from "node:fs/promises";
import { blobProblem, blobsOnDisk } from "./blobs";
import type { BlobRef, StoreLayout } from "./storeLayout";

/**
 * The blobs of a store during one index run: each is checked against its hash at most once before it is
 * trusted, a bad one is deleted (so its file is read again) and remembered for the run's warnings, and the
 * blobs this run writes are listed so that a failed run can remove them.
 */
export class RunBlobs {
  readonly written: BlobRef[] = [];
  /** chunksKey -> why its blob could not be used. */
  readonly problems = new Map<string, string>();
  private readonly checks = new Map<string, Promise<BlobRef | undefined>>();

  private constructor(
    private readonly layout: StoreLayout,
    private readonly present: Map<string, BlobRef>,
  ) {}

  static async load(layout: StoreLayout): Promise<RunBlobs> {
    return new RunBlobs(layout, await blobsOnDisk(layout));
  }

  /** Keys with a blob on disk (not yet found bad): what need not be chunked ahead. */
  keys(): ReadonlySet<string> {
    return new Set(this.present.keys());
  }

  /** The blob of `wanted` contents (the very blob named by `wanted`'s hash when given), checked; undefined if bad. */
  checked(chunksKey: string, wantedSha256?: string): Promise<BlobRef | undefined> {
    const ref = this.present.get(chunksKey);
    if (!ref) return Promise.resolve(undefined);
    if (wantedSha256 !== undefined && ref.blobSha256 !== wantedSha256) {
      this.problems.set(chunksKey, "missing");
      return Promise.resolve(undefined);
    }
    let check = this.checks.get(chunksKey);
    if (!check) {
      check = this.check(ref);
      this.checks.set(chunksKey, check);
    }
    return check;
  }

  /** A blob this run wrote: trusted as written. */
  add(ref: BlobRef): void {
    this.present.set(ref.chunksKey, ref);
    this.checks.set(ref.chunksKey, Promise.resolve(ref));
    this.written.push(ref);
  }

  /** Deletes what this run wrote, for a run that failed: its catalog was never written, so nothing refers to it. */
  async removeWritten(): Promise<void> {
    for (const ref of this.written) await rm(this.layout.blob(ref), { force: true });
  }

  private async check(ref: BlobRef): Promise<BlobRef | undefined> {
    const problem = await blobProblem(this.layout, ref);
    if (!problem) return ref;
    this.problems.set(ref.chunksKey, problem);
    this.present.delete(ref.chunksKey);
    await rm(this.layout.blob(ref), { force: true });
    return undefined;
  }
}
