import { LongLensError } from "./errors";

/** Stops a run between two files when the caller aborted it; the caller keeps whatever it had before the run. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LongLensError("Indexing was cancelled; the previous index is unchanged.", "CANCELLED");
}
