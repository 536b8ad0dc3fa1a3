import { LongLensError } from "../errors";
import type { StoreLayout } from "./storeLayout";

/**
 * Writing the store failed (a full disk, a read-only or over-quota folder): the run stops, unlike a source
 * file that cannot be read, which is only skipped.
 */
export class StoreWriteError extends LongLensError {
  constructor(layout: StoreLayout, cause: unknown) {
    const reason = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    super(`Cannot write the index at ${layout.dir} (${reason}); the previous index is unchanged.`, "STORE_WRITE");
  }
}

/** Errors meant for the user pass as they are; a failed file operation becomes a StoreWriteError. */
export function asStoreError(layout: StoreLayout, error: unknown): unknown {
  return error instanceof LongLensError ? error : new StoreWriteError(layout, error);
}
