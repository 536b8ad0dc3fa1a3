// The memory reads a tree's files in one order, by path, whatever order the index run reads them in. This
// hands the run's catalog files on in that order as they are indexed, so the memory pass can start before
// the run ends: a file is passed on once every file before it has been indexed, kept or skipped.
import { AsyncQueue } from "../asyncQueue";
import type { CatalogFile } from "./catalog";

export const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class ReadingOrder {
  readonly files = new AsyncQueue<CatalogFile>();
  private readonly order: string[];
  private readonly settled = new Map<string, CatalogFile | undefined>();
  private next = 0;

  /** `paths`: every file the run may index. */
  constructor(paths: Iterable<string>) {
    this.order = [...paths].sort(byPath);
  }

  /** The file at `path` is in the new catalog as `file`, or (without one) is not. */
  settle(path: string, file?: CatalogFile): void {
    this.settled.set(path, file);
    while (this.next < this.order.length && this.settled.has(this.order[this.next]!)) {
      const at = this.order[this.next++]!;
      const settled = this.settled.get(at);
      this.settled.delete(at);
      if (settled) this.files.push(settled);
    }
  }

  end(): void {
    this.files.end();
  }

  fail(error: unknown): void {
    this.files.fail(error);
  }
}
