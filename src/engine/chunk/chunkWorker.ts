// Entry point of a chunking worker thread (bundled on its own as dist/chunkWorker.js): it decodes, parses and
// chunks whole files sent by chunkPool.ts, with its own tree-sitter runtime, so that parsing uses every core.
import { parentPort } from "node:worker_threads";
import { describeError } from "../errors";
import { chunkInThisThread } from "./chunkSource";
import type { ChunkReply, ChunkRequest } from "./workerProtocol";

const port = parentPort;
if (port) {
  port.on("message", ({ id, bytes, grammar }: ChunkRequest) => {
    chunkInThisThread(bytes, grammar).then(
      (chunks) => port.postMessage({ id, chunks } satisfies ChunkReply),
      (error: unknown) => port.postMessage({ id, error: describeError(error) } satisfies ChunkReply),
    );
  });
}
