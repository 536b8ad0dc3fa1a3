// Writes memory units on a worker thread (workerJob.ts), sent to it as they are planned. The worker reads the
// cancel flag after every piece of the pre graph (a few milliseconds). What a stopped pass wrote stays under
// temporary names the next index removes.
import { LongLensError } from "../errors";
import { runWorkerJob } from "../workerJob";
import type { MemoryUnit } from "./memoryLayout";
import type { MemoryProgress, WrittenUnits } from "./memoryPass";
import type { MemoryWorkerJob } from "./memoryWorkerProtocol";

export function runMemoryPass(
  job: Omit<MemoryWorkerJob, "cancel">,
  units: AsyncIterable<MemoryUnit>,
  signal?: AbortSignal,
  onProgress?: (progress: MemoryProgress) => void,
): Promise<WrittenUnits> {
  return runWorkerJob<Omit<MemoryWorkerJob, "cancel">, MemoryProgress, WrittenUnits, MemoryUnit>({
    name: "memoryWorker",
    sourceDir: __dirname,
    job,
    inputs: units,
    signal,
    onProgress,
    missing: new LongLensError("The memory pass's worker file is missing; reinstall LongLens.", "MODEL_MISSING"),
    // A shard the store cannot write is the store's failure, already in its words.
    failure: (message, code) => (code === "STORE_WRITE" ? new LongLensError(message, code) : new LongLensError(`The memory pass failed: ${message}`, code ?? "MEMORY_PASS")),
  });
}
