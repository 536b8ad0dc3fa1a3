// Runs a workspace's index on a worker thread (indexWorker.ts): the caller's event loop only passes messages.
import { LongLensError } from "../errors";
import type { IndexProgress, IndexResult } from "../types";
import { type CancellableJob, runWorkerJob } from "../workerJob";
import type { RunOptions, WorkspaceOptions } from "../workspace";

export interface IndexWorkerJob extends CancellableJob {
  root: string;
  /** The workspace's options, less indexOnWorker: the worker runs the index itself. */
  options: WorkspaceOptions;
}

export function runIndexWorker(root: string, options: WorkspaceOptions, run: RunOptions): Promise<IndexResult> {
  return runWorkerJob<Omit<IndexWorkerJob, "cancel">, IndexProgress, IndexResult>({
    name: "indexWorker",
    sourceDir: __dirname,
    job: { root, options: { ...options, indexOnWorker: false } },
    signal: run.signal,
    onProgress: run.onProgress,
    missing: new LongLensError("The index's worker file is missing; reinstall LongLens.", "INDEX_WORKER"),
    // The worker's errors are the index's own, already in the user's words; a crash is said as one.
    failure: (message, code) => new LongLensError(code ? message : `Indexing stopped: ${message}; the previous index is unchanged.`, code ?? "INDEX_WORKER"),
  });
}
