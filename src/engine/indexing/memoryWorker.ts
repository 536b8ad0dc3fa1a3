// Entry point of the memory pass's worker thread (bundled on its own as dist/memoryWorker.js): it loads the
// model and runs the pass, so the calling thread (the extension host's) never waits on the model.
import { parentPort, workerData } from "node:worker_threads";
import { LongLensError, describeError } from "../errors";
import { ModelService } from "../model/modelService";
import { readBlob } from "../store/blobs";
import { StoreLayout } from "../store/storeLayout";
import { memoryPass } from "./memoryPass";
import type { MemoryWorkerJob, MemoryWorkerReply } from "./memoryWorkerProtocol";

async function run(job: MemoryWorkerJob): Promise<MemoryWorkerReply> {
  const model = await ModelService.load(job.modelsDir, { threads: job.threads });
  const stop = new AbortController();
  try {
    const layout = new StoreLayout(job.storeDir);
    const result = await memoryPass(
      {
        memoryDir: job.memoryDir,
        files: job.files,
        previous: job.previous,
        ...(job.shardTokens ? { shardTokens: job.shardTokens } : {}),
        ...(job.maxTokens ? { maxTokens: job.maxTokens } : {}),
        previousShards: new Map(job.previousShards),
        readChunks: (file) => readBlob(layout, { chunksKey: file.chunksKey, blobSha256: file.blobSha256 }),
        signal: stop.signal,
        onProgress: (progress) => {
          if (Atomics.load(job.cancel, 0)) stop.abort();
          parentPort!.postMessage({ kind: "progress", progress } satisfies MemoryWorkerReply);
        },
      },
      { identity: model.identity, graphs: model.graphs, memory: model.memory, tokenizer: model.tokenizer },
    );
    return { kind: "done", result };
  } finally {
    await model.dispose();
  }
}

if (parentPort) {
  run(workerData as MemoryWorkerJob).then(
    (reply) => parentPort!.postMessage(reply),
    (error: unknown) => parentPort!.postMessage({ kind: "error", message: describeError(error), code: error instanceof LongLensError ? error.code : undefined } satisfies MemoryWorkerReply),
  );
}
