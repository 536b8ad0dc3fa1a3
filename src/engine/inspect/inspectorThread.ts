// The Inspector on a worker thread of its own (inspectWorker.ts), for a caller whose event loop must keep
// turning while the model runs: the extension host. Same calls and answers as Inspector; the worker starts
// on the first call and is started again after a crash.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { InspectResult, InspectVariant } from "../../shared/inspectData";
import type { Packed } from "../../shared/packed";
import { LongLensError } from "../errors";
import { workerEntry } from "../workerEntry";
import type { InspectOptions, InspectorOptions } from "./inspector";
import type { InspectorCall, InspectorMethods, InspectorReply } from "./inspectorCalls";
import type { InspectWorkerData } from "./inspectWorker";

type Waiting = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class InspectorThread implements InspectorMethods {
  private worker?: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  /**
   * The same arguments as Inspector's, passed to the one the worker holds. Unless `threads` says otherwise, one
   * core is left to the caller's process (an editor drawing the result meanwhile): on 2 shared cores a 1,986-token
   * window took 0.59-0.64 s (as many CPU s) on one thread, 0.79-0.90 s (0.81-0.90 CPU s) on onnxruntime's default.
   */
  constructor(
    private readonly modelsDir?: string,
    private readonly options: InspectorOptions = {},
  ) {
    this.options = { threads: Math.max(1, availableParallelism() - 1), ...options };
  }

  inspectText(text: string, name: string, options: InspectOptions = {}): Promise<InspectResult> {
    return this.call({ method: "inspectText", args: [text, name, options] });
  }

  tokenRows(ids: readonly number[], token: number, variant: InspectVariant = "longlens"): Promise<Packed> {
    return this.call({ method: "tokenRows", args: [ids, token, variant] });
  }

  preload(variant: InspectVariant = "longlens"): Promise<void> {
    return this.call({ method: "preload", args: [variant] });
  }

  /** Frees the graphs and lets the worker end, after any run in progress (ending it mid-run would abort the process). */
  async dispose(): Promise<void> {
    if (!this.worker) return;
    const worker = this.worker;
    const ended = new Promise((resolve) => worker.once("exit", resolve));
    await this.call({ method: "dispose", args: [] }).catch(() => undefined);
    worker.ref(); // held until it has ended, or a caller with nothing else to wait on would exit first
    await ended;
  }

  private call<T>(call: Omit<InspectorCall, "id">): Promise<T> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref(); // an unanswered call keeps the process alive; an idle worker does not
      worker.postMessage({ ...call, id } as InspectorCall);
    });
  }

  private start(): Worker {
    const entry = workerEntry(__dirname, "inspectWorker");
    if (!entry) throw new LongLensError("The inspector's worker file (inspectWorker.js) is missing: rebuild or reinstall LongLens.", "MISSING_WORKER");
    const workerData: InspectWorkerData = { ...(this.modelsDir === undefined ? {} : { modelsDir: this.modelsDir }), options: this.options };
    const worker = new Worker(entry.filename, { ...entry.options, workerData });
    worker.unref();
    worker.on("message", (reply: InspectorReply) => this.answer(reply));
    const fail = (message: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.waiting.values()) waiting.reject(new LongLensError(`The inspector's worker stopped: ${message}`, "WORKER_FAILED"));
      this.waiting.clear();
    };
    worker.on("error", (error) => fail(error.message.split("\n")[0] ?? ""));
    worker.on("exit", (code) => fail(`exit ${code}`));
    this.worker = worker;
    return worker;
  }

  private answer(reply: InspectorReply): void {
    const waiting = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (!waiting) return;
    if (!("error" in reply)) return waiting.resolve(reply.result);
    const { message, code, name, stack } = reply.error;
    if (code !== undefined) return waiting.reject(new LongLensError(message, code));
    const bug = new Error(message);
    if (name) bug.name = name;
    if (stack) bug.stack = stack;
    waiting.reject(bug);
  }
}
