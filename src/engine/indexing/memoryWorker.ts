// Entry point of the memory pass's worker thread (bundled on its own as dist/memoryWorker.js): it writes the
// memory while the pre graph runs on a thread of its own (prePipeline.ts), so the calling thread (the
// extension host's) never waits on the model, and the graph and the memory's JavaScript use two cores.
import { parentPort, workerData } from "node:worker_threads";
import { LongLensError, describeError } from "../errors";
import { MemoryFactory } from "../memory/loadMemory";
import { memoryModelIdentity } from "../memory/modelIdentity";
import { readModelConfig } from "../model/modelConfig";
import { CodeTokenizer } from "../model/tokenizer";
import { readBlob } from "../store/blobs";
import { StoreLayout } from "../store/storeLayout";
import { asStoreError } from "../store/storeWriteError";
import { errorCode } from "../reader/errorCode";
import { type MemoryModel, memoryPass } from "./memoryPass";
import type { MemoryWorkerJob, MemoryWorkerReply } from "./memoryWorkerProtocol";
import { PrePipeline } from "./prePipeline";

async function run(job: MemoryWorkerJob): Promise<MemoryWorkerReply> {
  const config = readModelConfig(job.modelsDir);
  let loaded: MemoryModel | undefined;
  let pipeline: PrePipeline | undefined;
  const loadModel = async (): Promise<MemoryModel> => {
    const tokenizer = await CodeTokenizer.load(job.modelsDir);
    const memory = await MemoryFactory.load(job.modelsDir, config, { threads: 1 });
    // One core for the graph and one for the memory; on one thread they would only take turns.
    pipeline = await PrePipeline.start({ modelsDir: job.modelsDir, threads: Math.max(1, job.threads - 1) }).catch(async (error: unknown) => {
      await memory.dispose();
      throw error;
    });
    loaded = { pre: pipeline, memory, tokenizer };
    return loaded;
  };
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
      memoryModelIdentity(config),
      loadModel,
    );
    return { kind: "done", result };
  } finally {
    await Promise.all([pipeline?.close(), loaded?.memory.dispose()]);
  }
}

if (parentPort) {
  const job = workerData as MemoryWorkerJob;
  run(job).then(
    (reply) => parentPort!.postMessage(reply),
    (error: unknown) => {
      // A shard that cannot be written (full disk, read-only folder) is the store's failure, said in its words.
      const failure = /^E[A-Z]+$/.test(errorCode(error)) ? asStoreError(new StoreLayout(job.storeDir), error) : error;
      parentPort!.postMessage({ kind: "error", message: describeError(failure), code: failure instanceof LongLensError ? failure.code : undefined } satisfies MemoryWorkerReply);
    },
  );
}
