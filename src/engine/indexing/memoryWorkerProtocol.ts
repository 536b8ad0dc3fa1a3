// The job of the memory pass's worker thread (memoryWorker.ts): it is sent the units to write one by one
// (workerJob.ts inputs) while the calling thread is still indexing later files.
import type { CancellableJob } from "../workerJob";

export interface MemoryWorkerJob extends CancellableJob {
  /** The store whose blobs hold the files' chunks. */
  storeDir: string;
  memoryDir: string;
  modelsDir: string;
  threads: number;
  shardTokens?: number;
}
