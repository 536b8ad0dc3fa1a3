// Entry point of the pre graph's own thread (bundled as dist/preWorker.js): the memory pass's worker sends it
// pieces of tokens and writes their projections into the memory while this thread reads the next pieces, so
// the graph and the memory's JavaScript run on two cores at once.
import { parentPort, workerData } from "node:worker_threads";
import { describeError } from "../errors";
import { MemoryModeReader } from "../model/memoryModeReader";
import { ModelGraphs } from "../model/modelGraphs";
import type { PreReply, PreRequest, PreWorkerSetup } from "./preProtocol";

async function main(setup: PreWorkerSetup): Promise<void> {
  const port = parentPort!;
  let graphs: ModelGraphs;
  try {
    graphs = await ModelGraphs.load(setup.modelsDir, { threads: setup.threads });
  } catch (error) {
    port.postMessage({ id: -1, error: describeError(error) } satisfies PreReply);
    return;
  }
  let reader = new MemoryModeReader(graphs);
  // Pieces are read one after another in arrival order: each continues the previous one's cache.
  let queue = Promise.resolve();
  port.on("message", (request: PreRequest) => {
    if (request.kind === "close") {
      queue = queue.then(() => graphs.dispose()).then(() => port.close());
      return;
    }
    queue = queue.then(async () => {
      if (request.reset) reader = new MemoryModeReader(graphs);
      try {
        const p = await reader.read(request.ids);
        port.postMessage({ id: request.id, queries: p.queries, values: p.values, gates: p.gates } satisfies PreReply,
          [p.queries.buffer, p.values.buffer, p.gates.buffer] as ArrayBuffer[]);
      } catch (error) {
        port.postMessage({ id: request.id, error: describeError(error) } satisfies PreReply);
      }
    });
  });
  port.postMessage({ id: 0, ready: true } satisfies PreReply);
}

if (parentPort) void main(workerData as PreWorkerSetup);
