// Messages between the memory pass's worker thread (memoryWorker.ts) and the thread that started it.
import type { LayoutFile } from "./memoryLayout";
import type { CancellableJob } from "../workerJob";
import type { MemoryManifest } from "./memoryPass";

export interface MemoryWorkerJob extends CancellableJob {
  /** The store whose blobs hold the files' chunks. */
  storeDir: string;
  memoryDir: string;
  modelsDir: string;
  threads: number;
  files: LayoutFile[];
  previous?: MemoryManifest;
  shardTokens?: number;
  maxTokens?: number;
  /** File name -> path of the previous generation's shards. */
  previousShards: [string, string][];
}
