// The inspector's own thread: onnxruntime-node runs a graph synchronously on the thread that calls it, and a
// 2,000-token window takes about a second, so the extension host asks this worker instead of waiting on it.
// Its graphs stay loaded between calls (until an idle spell, as the Inspector is told).
import { parentPort, workerData } from "node:worker_threads";
import { LongLensError } from "../errors";
import { Inspector, type InspectorOptions } from "./inspector";
import type { InspectorCall, InspectorReply } from "./inspectorCalls";

export interface InspectWorkerData {
  modelsDir?: string;
  options: InspectorOptions;
}

if (parentPort) {
  const port = parentPort;
  const { modelsDir, options } = workerData as InspectWorkerData;
  const inspector = new Inspector(modelsDir, options);
  const post = (reply: InspectorReply) => port.postMessage(reply);
  port.on("message", (call: InspectorCall) => {
    const work = call.method === "dispose" ? inspector.dispose() : (inspector[call.method] as (...args: unknown[]) => Promise<unknown>).apply(inspector, call.args);
    work.then(
      (result) => post({ id: call.id, result }),
      (error: unknown) => post({
        id: call.id,
        error: error instanceof LongLensError ? { message: error.message, code: error.code }
          : error instanceof Error ? { message: error.message, name: error.name, ...(error.stack ? { stack: error.stack } : {}) }
          : { message: String(error) },
      }),
    ).finally(() => {
      if (call.method === "dispose") port.close(); // nothing else keeps the worker: it ends
    });
  });
}
