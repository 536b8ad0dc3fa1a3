// Runs the memory pass on a worker thread; cancelling ends the worker at once (within a piece of the pre
// graph), and what it had written stays under temporary or unreferenced names the next index removes.
import { Worker } from "node:worker_threads";
import { throwIfCancelled } from "../cancel";
import { LongLensError } from "../errors";
import { workerEntry } from "../workerEntry";
import type { MemoryManifest, MemoryProgress, MemoryStats } from "./memoryPass";
import type { MemoryWorkerJob, MemoryWorkerReply } from "./memoryWorkerProtocol";

export function runMemoryPass(
  job: MemoryWorkerJob,
  signal?: AbortSignal,
  onProgress?: (progress: MemoryProgress) => void,
): Promise<{ manifest: MemoryManifest; stats: MemoryStats }> {
  throwIfCancelled(signal);
  const entry = workerEntry(__dirname, "memoryWorker");
  if (!entry) return Promise.reject(new LongLensError("The memory pass's worker file is missing; reinstall LongLens.", "MODEL_MISSING"));
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry.filename, { ...entry.options, workerData: job });
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", abort);
      outcome();
    };
    const abort = (): void => {
      finish(() => reject(new LongLensError("Indexing was cancelled; the previous index is unchanged.", "CANCELLED")));
      void worker.terminate();
    };
    signal?.addEventListener("abort", abort, { once: true });
    worker.on("message", (reply: MemoryWorkerReply) => {
      if (reply.kind === "progress") onProgress?.(reply.progress);
      else if (reply.kind === "done") finish(() => resolve({ manifest: reply.manifest, stats: reply.stats }));
      else finish(() => reject(new LongLensError(`The memory pass failed: ${reply.message}`, reply.code ?? "MEMORY_PASS")));
      if (reply.kind !== "progress") void worker.terminate();
    });
    worker.on("error", (error) => finish(() => reject(new LongLensError(`The memory pass failed: ${error.message.split("\n")[0]}`, "MEMORY_PASS"))));
    worker.on("exit", (code) => finish(() => reject(new LongLensError(`The memory pass stopped unexpectedly (exit ${code}).`, "MEMORY_PASS"))));
  });
}
