// Where the memory says a question's answer was written (evaluate.py locate): the question's tokens read
// every shard without writing (as one memory: shardReads.ts); each slot read votes, with its read weight over
// its write count (a slot written by few tokens says more), for the chunk of the reading that holds the token
// it was last written for.
import type { ProductKeys } from "./productKeys";
import { ShardProvenance, type SourcePlace } from "./provenance";
import type { ShardData } from "./shardFile";
import { readShards } from "./shardReads";

export interface SlotRead {
  slot: number;
  weight: number;
  hits: number;
  /** Reading position (in the shard) of the token the slot was last written for; -1 never written. */
  writer: number;
}

export interface ChunkVote {
  shard: number;
  /** First reading position (in the shard) of the voted chunk. */
  start: number;
  end: number;
  votes: number;
  /** Where the token of the chunk's strongest vote came from (a chunk of the reading may span two files). */
  place: SourcePlace;
  slots: SlotRead[];
}

export interface LoadedShard {
  name: string;
  data: ShardData;
  provenance: ShardProvenance;
}

export function loadedShard(name: string, data: ShardData): LoadedShard {
  return { name, data, provenance: ShardProvenance.of(data) };
}

/** queries: (T, K) of the question's tokens; chunk: the memory's write chunk (mem_chunk). Best first. */
export async function memoryVotes(shards: readonly LoadedShard[], queries: Float32Array, keys: ProductKeys, chunk: number): Promise<ChunkVote[]> {
  const votes: ChunkVote[] = [];
  const reads = await readShards(shards, queries, keys);
  for (const [index, shard] of shards.entries()) {
    const { data } = shard;
    const read = reads[index]!;
    const byChunk = new Map<number, ChunkVote>();
    const strongest = new Map<number, number>(); // per chunk, the strongest single vote so far
    for (let i = 0; i < read.slots.length; i++) {
      const slot = read.slots[i]!;
      const writer = data.writer[slot]!;
      if (writer < 0) continue;
      const hits = data.hits[slot]!;
      const weight = read.weights[i]!;
      const c = Math.floor(writer / chunk);
      const place = shard.provenance.place(writer);
      if (!place) continue;
      let vote = byChunk.get(c);
      if (!vote) {
        const start = c * chunk;
        vote = { shard: index, start, end: Math.min(start + chunk, data.header.tokens), votes: 0, place, slots: [] };
        byChunk.set(c, vote);
      }
      const strength = weight / Math.max(1, hits);
      if (strength > (strongest.get(c) ?? -Infinity)) {
        strongest.set(c, strength);
        vote.place = place;
      }
      vote.votes += strength;
      vote.slots.push({ slot, weight, hits, writer });
    }
    votes.push(...byChunk.values());
  }
  return votes.sort((a, b) => b.votes - a.votes);
}
