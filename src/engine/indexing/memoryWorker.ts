// Entry point of the memory pass's worker thread (bundled on its own as dist/memoryWorker.js): it writes the
// memory while the pre graph runs on a thread of its own (prePipeline.ts), so the calling thread (the
// extension host's) never waits on the model, and the graph and the memory's JavaScript use two cores.
import { cancelled } from "../cancel";
import { MemoryFactory } from "../memory/loadMemory";
import { memoryModelIdentity } from "../memory/modelIdentity";
import { readModelConfig } from "../model/modelConfig";
import { CodeTokenizer } from "../model/tokenizer";
import { readBlob } from "../store/blobs";
import { StoreLayout } from "../store/storeLayout";
import { asStoreError } from "../store/storeWriteError";
import { errorCode } from "../reader/errorCode";
import type { MemoryUnit } from "./memoryLayout";
import { type MemoryModel, type MemoryProgress, type WrittenUnits, writeUnits } from "./memoryPass";
import { serveWorkerJob } from "../workerJob";
import type { MemoryWorkerJob } from "./memoryWorkerProtocol";
import { PrePipeline } from "./prePipeline";

async function run(job: MemoryWorkerJob, signal: AbortSignal, progress: (p: MemoryProgress) => void, units: AsyncIterable<MemoryUnit>): Promise<WrittenUnits> {
  const config = readModelConfig(job.modelsDir);
  const tokenizer = await CodeTokenizer.load(job.modelsDir);
  const memory = await MemoryFactory.load(job.modelsDir, config, { threads: 1 });
  let pre: PrePipeline | undefined;
  try {
    // One core for the graph and one for the memory; on one thread they would only take turns.
    pre = await PrePipeline.start({ modelsDir: job.modelsDir, threads: Math.max(1, job.threads - 1) });
    // Loading takes a while and nothing reads the cancel flag meanwhile: a run cancelled by then writes nothing.
    if (Atomics.load(job.cancel, 0)) throw cancelled();
    const model: MemoryModel = { pre, memory, tokenizer };
    const layout = new StoreLayout(job.storeDir);
    return await writeUnits(units, {
      memoryDir: job.memoryDir,
      ...(job.shardTokens ? { shardTokens: job.shardTokens } : {}),
      readChunks: (file) => readBlob(layout, { chunksKey: file.chunksKey, blobSha256: file.blobSha256 }),
      signal,
      onProgress: progress,
    }, memoryModelIdentity(config), model);
  } finally {
    await Promise.all([pre?.close(), memory.dispose()]);
  }
}

// A shard that cannot be written (full disk, read-only folder) is the store's failure, said in its words.
serveWorkerJob(run, (error, job) => (/^E[A-Z]+$/.test(errorCode(error)) ? asStoreError(new StoreLayout(job.storeDir), error) : error));
