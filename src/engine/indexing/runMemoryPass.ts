// Runs the memory pass on a worker thread (workerJob.ts). The worker reads the cancel flag after every piece
// of the pre graph (a few milliseconds). What a stopped pass wrote stays under temporary names the next index removes.
import { LongLensError } from "../errors";
import { runWorkerJob } from "../workerJob";
import type { MemoryPassResult, MemoryProgress } from "./memoryPass";
import type { MemoryWorkerJob } from "./memoryWorkerProtocol";

export function runMemoryPass(
  job: Omit<MemoryWorkerJob, "cancel">,
  signal?: AbortSignal,
  onProgress?: (progress: MemoryProgress) => void,
): Promise<MemoryPassResult> {
  return runWorkerJob<Omit<MemoryWorkerJob, "cancel">, MemoryProgress, MemoryPassResult>({
    name: "memoryWorker",
    sourceDir: __dirname,
    job,
    signal,
    onProgress,
    missing: new LongLensError("The memory pass's worker file is missing; reinstall LongLens.", "MODEL_MISSING"),
    // A shard the store cannot write is the store's failure, already in its words.
    failure: (message, code) => (code === "STORE_WRITE" ? new LongLensError(message, code) : new LongLensError(`The memory pass failed: ${message}`, code ?? "MEMORY_PASS")),
  });
}
