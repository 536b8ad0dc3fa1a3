// A job on a worker thread of the engine: the caller gets its progress and its result, or its error in the
// caller's words. Cancelling raises a flag shared with the worker, which stops at a clean point of its own:
// ending a worker by force while onnxruntime runs aborts the whole process.
import { Worker, parentPort, workerData } from "node:worker_threads";
import { AsyncQueue } from "./asyncQueue";
import { cancelled, throwIfCancelled } from "./cancel";
import { LongLensError, describeError } from "./errors";
import { workerEntry } from "./workerEntry";

/** What the caller sends a running job: its inputs one by one, then their end. */
type WorkerInput<I> = { kind: "input"; value: I } | { kind: "end" };

export type WorkerReply<P, R> = { kind: "progress"; progress: P } | { kind: "done"; result: R } | { kind: "error"; message: string; code?: string };

/** Every job carries the flag its caller sets to 1 to stop it. */
export interface CancellableJob {
  cancel: Int32Array;
}

/**
 * The exits of the job workers still running. A cancel is answered before its worker has stopped (it may be
 * loading the model); a process that exits while a worker is inside onnxruntime aborts, so it waits for these.
 */
const running = new Set<Promise<void>>();

/** Resolves once every job worker started by this thread has ended. */
export function jobWorkersStopped(): Promise<void> {
  return Promise.all([...running]).then(() => undefined);
}

/** How long a cancel waits for the worker to confirm before the caller is answered anyway. */
const CANCEL_WAIT_MS = 400;
/** How often a worker looks at its cancel flag (its event loop turns between its awaits). */
const CANCEL_POLL_MS = 20;

export interface WorkerJob<J, P, I = never> {
  /** The worker's entry file, without extension, in `sourceDir` (see workerEntry). */
  name: string;
  sourceDir: string;
  job: J;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: P) => void) | undefined;
  /** Inputs the job takes while it runs (the worker reads them as a stream); a failure here stops the job with it. */
  inputs?: AsyncIterable<I> | undefined;
  /** Said when the worker's file is missing. */
  missing: LongLensError;
  /** The caller's error for a failure the worker reported (with its code, if it had one) or a crash. */
  failure: (message: string, code: string | undefined) => LongLensError;
}

export function runWorkerJob<J, P, R, I = never>(spec: WorkerJob<J, P, I>): Promise<R> {
  const { signal } = spec;
  throwIfCancelled(signal);
  const entry = workerEntry(spec.sourceDir, spec.name);
  if (!entry) return Promise.reject(spec.missing);
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry.filename, { ...entry.options, workerData: { ...spec.job, cancel } });
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    running.add(exited);
    void exited.then(() => running.delete(exited));
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
    worker.on("message", (reply: WorkerReply<P, R>) => {
      if (reply.kind === "progress") spec.onProgress?.(reply.progress);
      else if (reply.kind === "done") finish(() => resolve(reply.result));
      else if (reply.code === "CANCELLED") finish(() => reject(cancelled()));
      else finish(() => reject(spec.failure(reply.message, reply.code)));
    });
    worker.on("error", (error) => finish(() => reject(spec.failure(error.message.split("\n")[0] ?? "", undefined))));
    worker.on("exit", (code) => finish(() => reject(spec.failure(`stopped unexpectedly (exit ${code})`, undefined))));
    if (spec.inputs) void sendInputs(worker, spec.inputs, () => settled, (error) => {
      Atomics.store(cancel, 0, 1); // the worker stops at its next clean point; its answer no longer matters
      finish(() => reject(error));
    });
  });
}

async function sendInputs<I>(worker: Worker, inputs: AsyncIterable<I>, settled: () => boolean, fail: (error: unknown) => void): Promise<void> {
  const post = (message: WorkerInput<I>): void => worker.postMessage(message);
  try {
    for await (const value of inputs) {
      if (settled()) return;
      post({ kind: "input", value });
    }
    if (!settled()) post({ kind: "end" });
  } catch (error) {
    fail(error);
  }
}

/**
 * The worker's side: runs `work` on the job it was started with and posts its progress and outcome. `signal`
 * aborts once the caller raises the cancel flag; `failureOf` may put an error in other words first.
 */
export function serveWorkerJob<J extends CancellableJob, P, R, I = never>(
  work: (job: J, signal: AbortSignal, progress: (progress: P) => void, inputs: AsyncIterable<I>) => Promise<R>,
  failureOf: (error: unknown, job: J) => unknown = (error) => error,
): void {
  if (!parentPort) return;
  const port = parentPort;
  const job = workerData as J;
  const stop = new AbortController();
  const poll = setInterval(() => {
    if (Atomics.load(job.cancel, 0)) stop.abort();
  }, CANCEL_POLL_MS);
  poll.unref();
  const post = (reply: WorkerReply<P, R>): void => port.postMessage(reply);
  const inputs = new AsyncQueue<I>();
  const receive = (message: WorkerInput<I>): void => (message.kind === "input" ? inputs.push(message.value) : inputs.end());
  port.on("message", receive);
  stop.signal.addEventListener("abort", () => inputs.fail(cancelled()), { once: true }); // a job waiting for inputs stops too
  work(job, stop.signal, (progress) => {
    if (Atomics.load(job.cancel, 0)) stop.abort();
    post({ kind: "progress", progress });
  }, inputs)
    .then(
      (result) => post({ kind: "done", result }),
      (error: unknown) => {
        const failure = failureOf(error, job);
        post({ kind: "error", message: describeError(failure), ...(failure instanceof LongLensError ? { code: failure.code } : {}) });
      },
    )
    .finally(() => {
      clearInterval(poll);
      port.off("message", receive); // else the listener would keep the thread alive
    });
}
