// A question reads every shard as one memory: each token's top-k slots of every shard, weighted by one
// softmax over all of them (the slots' scores are the same inverse distances in every shard), counting only
// slots some token was written into: a slot never written holds nothing to point at. Each shard's own
// softmax gave a shard that holds nothing near the question as much weight as the needle's shard, so at 1M
// tokens (64 shards) their nearest slots outvoted it: located 74/80 single needles without the hub prior and
// 78/80 with it, against 79/80 with one softmax over written slots and no prior (held-out seeds 11-14, not
// the bench's). Letting unwritten slots share the softmax lost 2 of the bench's 20.
import type { LoadedShard } from "./memoryVotes";
import type { Addresses, ProductKeys } from "./productKeys";

/** One shard's reads of a question's T tokens: slots and their weights in the one softmax (0: never written), (T, k) row-major. */
export interface ShardReads {
  slots: Int32Array;
  weights: Float32Array;
}

/** queries: (T, K) row-major. Per shard, in order, the reads of every token; a token's weights sum to 1 over all shards. */
export async function readShards(shards: readonly LoadedShard[], queries: Float32Array, keys: ProductKeys): Promise<ShardReads[]> {
  const addresses: Addresses[] = [];
  for (const { data } of shards) addresses.push(await keys.address(queries, data.keys, data.header.subkeys));
  if (addresses.length === 0) return [];
  const k = keys.topk;
  const rows = addresses[0]!.rows;
  const written = (shard: number, i: number): boolean => shards[shard]!.data.writer[addresses[shard]!.slots[i]!]! >= 0;
  const best = new Float64Array(rows).fill(-Infinity);
  addresses.forEach((a, s) => {
    for (let i = 0; i < a.scores.length; i++) if (written(s, i)) best[Math.floor(i / k)] = Math.max(best[Math.floor(i / k)]!, a.scores[i]!);
  });
  const total = new Float64Array(rows);
  addresses.forEach((a, s) => {
    for (let i = 0; i < a.scores.length; i++) if (written(s, i)) total[Math.floor(i / k)]! += Math.exp(a.scores[i]! - best[Math.floor(i / k)]!);
  });
  return addresses.map((a, s) => {
    const weights = new Float32Array(a.scores.length);
    for (let i = 0; i < weights.length; i++) if (written(s, i)) weights[i] = Math.exp(a.scores[i]! - best[Math.floor(i / k)]!) / total[Math.floor(i / k)]!;
    return { slots: a.slots, weights };
  });
}
