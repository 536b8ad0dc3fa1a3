// Messages between the memory pass's worker thread (memoryWorker.ts) and the thread that started it.
import type { LayoutFile } from "./memoryLayout";
import type { MemoryManifest, MemoryPassResult, MemoryProgress } from "./memoryPass";

export interface MemoryWorkerJob {
  /** The store whose blobs hold the files' chunks. */
  storeDir: string;
  memoryDir: string;
  modelsDir: string;
  threads: number;
  files: LayoutFile[];
  previous?: MemoryManifest;
  shardTokens?: number;
  maxTokens?: number;
  /** Set to 1 by the caller to stop the pass after the current piece. */
  cancel: Int32Array;
  /** File name -> path of the previous generation's shards. */
  previousShards: [string, string][];
}

export type MemoryWorkerReply =
  | { kind: "progress"; progress: MemoryProgress }
  | { kind: "done"; result: MemoryPassResult }
  | { kind: "error"; message: string; code?: string };
