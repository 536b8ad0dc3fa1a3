import type { TextBytes } from "../reader/readSource";
import type { StoredChunk } from "./indexedChunk";

/** A file chunkPool.ts asks a chunk worker (chunkWorker.ts) to decode and chunk. */
export interface ChunkRequest {
  id: number;
  bytes: TextBytes;
  grammar: string | undefined;
}

export type ChunkReply = { id: number; chunks: StoredChunk[] } | { id: number; error: string };
