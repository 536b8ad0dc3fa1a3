// Entry point of the memory pass's worker thread (bundled on its own as dist/memoryWorker.js): it writes the
// memory while the pre graph runs on a thread of its own (prePipeline.ts), so the calling thread (the
// extension host's) never waits on the model, and the graph and the memory's JavaScript use two cores.
import { MemoryFactory } from "../memory/loadMemory";
import { memoryModelIdentity } from "../memory/modelIdentity";
import { readModelConfig } from "../model/modelConfig";
import { CodeTokenizer } from "../model/tokenizer";
import { readBlob } from "../store/blobs";
import { StoreLayout } from "../store/storeLayout";
import { asStoreError } from "../store/storeWriteError";
import { errorCode } from "../reader/errorCode";
import { type MemoryModel, memoryPass } from "./memoryPass";
import { serveWorkerJob } from "../workerJob";
import type { MemoryPassResult, MemoryProgress } from "./memoryPass";
import type { MemoryWorkerJob } from "./memoryWorkerProtocol";
import { PrePipeline } from "./prePipeline";

async function run(job: MemoryWorkerJob, signal: AbortSignal, progress: (p: MemoryProgress) => void): Promise<MemoryPassResult> {
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
  try {
    const layout = new StoreLayout(job.storeDir);
    return await memoryPass(
      {
        memoryDir: job.memoryDir,
        files: job.files,
        previous: job.previous,
        ...(job.shardTokens ? { shardTokens: job.shardTokens } : {}),
        ...(job.maxTokens ? { maxTokens: job.maxTokens } : {}),
        previousShards: new Map(job.previousShards),
        readChunks: (file) => readBlob(layout, { chunksKey: file.chunksKey, blobSha256: file.blobSha256 }),
        signal,
        onProgress: progress,
      },
      memoryModelIdentity(config),
      loadModel,
    );
  } finally {
    await Promise.all([pipeline?.close(), loaded?.memory.dispose()]);
  }
}

// A shard that cannot be written (full disk, read-only folder) is the store's failure, said in its words.
serveWorkerJob(run, (error, job) => (/^E[A-Z]+$/.test(errorCode(error)) ? asStoreError(new StoreLayout(job.storeDir), error) : error));
