// Messages between the memory pass's worker thread (memoryWorker.ts) and the thread that started it.
import type { LayoutFile } from "./memoryLayout";
import type { MemoryManifest, MemoryProgress, MemoryStats } from "./memoryPass";

export interface MemoryWorkerJob {
  storeDir: string;
  memoryDir: string;
  modelsDir: string;
  threads: number;
  files: LayoutFile[];
  previous?: MemoryManifest;
}

export type MemoryWorkerReply =
  | { kind: "progress"; progress: MemoryProgress }
  | { kind: "done"; manifest: MemoryManifest; stats: MemoryStats }
  | { kind: "error"; message: string; code?: string };
