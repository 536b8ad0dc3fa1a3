// Runs the memory pass on a worker thread. Cancelling raises a flag the worker reads after every piece of the
// pre graph (a few milliseconds), so it stops at a clean point: ending a worker by force while onnxruntime
// runs aborts the whole process. What a stopped pass wrote stays under temporary names the next index removes.
import { Worker } from "node:worker_threads";
import { throwIfCancelled } from "../cancel";
import { LongLensError } from "../errors";
import { workerEntry } from "../workerEntry";
import type { MemoryPassResult, MemoryProgress } from "./memoryPass";
import type { MemoryWorkerJob, MemoryWorkerReply } from "./memoryWorkerProtocol";

/** How long a cancel waits for the worker to confirm before the caller is answered anyway. */
const CANCEL_WAIT_MS = 400;

const cancelled = (): LongLensError => new LongLensError("Indexing was cancelled; the previous index is unchanged.", "CANCELLED");

export function runMemoryPass(
  job: Omit<MemoryWorkerJob, "cancel">,
  signal?: AbortSignal,
  onProgress?: (progress: MemoryProgress) => void,
): Promise<MemoryPassResult> {
  throwIfCancelled(signal);
  const entry = workerEntry(__dirname, "memoryWorker");
  if (!entry) return Promise.reject(new LongLensError("The memory pass's worker file is missing; reinstall LongLens.", "MODEL_MISSING"));
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry.filename, { ...entry.options, workerData: { ...job, cancel } satisfies MemoryWorkerJob });
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", abort);
      outcome();
    };
    const abort = (): void => {
      Atomics.store(cancel, 0, 1);
      setTimeout(() => finish(() => reject(cancelled())), CANCEL_WAIT_MS).unref();
    };
    signal?.addEventListener("abort", abort, { once: true });
    worker.on("message", (reply: MemoryWorkerReply) => {
      if (reply.kind === "progress") onProgress?.(reply.progress);
      else if (reply.kind === "done") finish(() => resolve(reply.result));
      else if (reply.code === "CANCELLED") finish(() => reject(cancelled()));
      else if (reply.code === "STORE_WRITE") finish(() => reject(new LongLensError(reply.message, reply.code)));
      else finish(() => reject(new LongLensError(`The memory pass failed: ${reply.message}`, reply.code ?? "MEMORY_PASS")));
    });
    worker.on("error", (error) => finish(() => reject(new LongLensError(`The memory pass failed: ${error.message.split("\n")[0]}`, "MEMORY_PASS"))));
    worker.on("exit", (code) => finish(() => reject(new LongLensError(`The memory pass stopped unexpectedly (exit ${code}).`, "MEMORY_PASS"))));
  });
}
