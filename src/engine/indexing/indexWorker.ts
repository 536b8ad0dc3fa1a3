// Entry point of the index run's worker thread (bundled on its own as dist/indexWorker.js): the whole run —
// walking, chunking, the lexical index, the memory pass, writing the store — happens here, so the thread that
// asked for it (the extension host's) never stalls on it.
import { serveWorkerJob } from "../workerJob";
import type { IndexProgress, IndexResult } from "../types";
import { Workspace } from "../workspace";
import type { IndexWorkerJob } from "./runIndexWorker";

serveWorkerJob<IndexWorkerJob, IndexProgress, IndexResult>(async (job, signal, progress) => {
  const workspace = await Workspace.open(job.root, job.options);
  try {
    return await workspace.index({ signal, onProgress: progress });
  } finally {
    workspace.dispose();
  }
});
