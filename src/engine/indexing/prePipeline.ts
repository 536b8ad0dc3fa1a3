// The pre graph on a thread of its own, as a queue of pieces: submit() returns at once, and the projections
// arrive while the caller writes earlier pieces into the memory.
import { Worker } from "node:worker_threads";
import { LongLensError } from "../errors";
import type { Projections } from "../memory/memoryTable";
import { workerEntry } from "../workerEntry";
import type { PreReply, PreRequest, PreWorkerSetup } from "./preProtocol";

export interface PieceSource {
  /** Projections of a piece; `reset` starts a new reading (a shard's first piece: empty caches). */
  read(ids: readonly number[], reset: boolean): Promise<Projections>;
}

export class PrePipeline implements PieceSource {
  private readonly waiting = new Map<number, { resolve(p: Projections): void; reject(e: Error): void }>();
  private nextId = 1;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: PreReply) => {
      if ("ready" in reply) return;
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ("error" in reply) waiter?.reject(new LongLensError(`The pre graph failed: ${reply.error}`, "MODEL_RUN"));
      else waiter?.resolve({ queries: reply.queries, values: reply.values, gates: reply.gates });
    });
    const fail = (error: Error): void => {
      this.failure = error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on("error", (error) => fail(new LongLensError(`The pre graph's thread failed: ${error.message.split("\n")[0]}`, "MODEL_RUN")));
    worker.on("exit", () => fail(new LongLensError("The pre graph's thread stopped.", "MODEL_RUN")));
  }

  /** Starts the thread and waits until its graph is loaded (a load failure is thrown here, with its code). */
  static async start(setup: PreWorkerSetup): Promise<PrePipeline> {
    const entry = workerEntry(__dirname, "preWorker");
    if (!entry) throw new LongLensError("The pre graph's worker file is missing; reinstall LongLens.", "MODEL_MISSING");
    const worker = new Worker(entry.filename, { ...entry.options, workerData: setup });
    await new Promise<void>((resolve, reject) => {
      const first = (reply: PreReply): void => {
        worker.off("message", first);
        if ("ready" in reply) resolve();
        else if ("error" in reply) reject(new LongLensError(reply.error, "MODEL_LOAD"));
      };
      worker.on("message", first);
      worker.once("error", reject);
    });
    return new PrePipeline(worker);
  }

  read(ids: readonly number[], reset: boolean): Promise<Projections> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ kind: "piece", id, ids: Int32Array.from(ids), reset } satisfies PreRequest);
    });
  }

  /** Lets the thread finish and release its graph; the pending pieces (none, normally) are dropped. */
  close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.postMessage({ kind: "close" } satisfies PreRequest);
    return exited;
  }
}
