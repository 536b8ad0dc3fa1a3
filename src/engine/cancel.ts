import { LongLensError } from "./errors";

/** The error a cancelled run ends with. */
export const cancelled = (): LongLensError => new LongLensError("Indexing was cancelled; the previous index is unchanged.", "CANCELLED");

/** Stops a run between two files when the caller aborted it; the caller keeps whatever it had before the run. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

/** `work`, or the cancellation as soon as the caller aborts: for waits with no point between files to check at. */
export function unlessCancelled<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  throwIfCancelled(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
