// The memory view: which slots of every shard a reader's queries read, with what weight, how many tokens
// wrote each and where the last of them sits in the code. Kept to the strongest few so a webview stays light.
import type { MemorySlotRead, MemoryView } from "../../shared/inspectData";
import type { LoadedShard } from "../memory/memoryVotes";
import type { ProductKeys } from "../memory/productKeys";
import { readShards } from "../memory/shardReads";
import { questionQueries } from "../memory/questionQueries";
import type { ModelGraphs } from "../model/modelGraphs";
import type { CodeTokenizer } from "../model/tokenizer";

/** Slots listed per shard, and in all: enough to see where the reads go, small enough for a panel. */
export const SLOTS_PER_SHARD = 8;
export const SLOTS_IN_ALL = 32;

/**
 * Text before a token read with it. Its memory-mode query sees the last mem_chunk (64) tokens through the
 * sliding window and 3 more through the convolution; 2,048 characters hold more than that for any real code.
 */
const CONTEXT_CHARS = 2048;

/**
 * The memory query of the token ending at `end` in `text` (a file), as the memory pass computed it when it
 * read the file: the pre graph in memory mode over the tokens before it in the file (from its start, after an
 * end-of-text, when that is near). Not the inspector's pass: that reads only the window, with full attention.
 */
export async function tokenQuery(graphs: ModelGraphs, tokenizer: CodeTokenizer, text: string, end: number): Promise<Float32Array> {
  const cut = end - CONTEXT_CHARS;
  const from = cut <= 0 ? 0 : text.indexOf("\n", cut) + 1 || cut;
  const ids = tokenizer.encode(text.slice(from, end));
  const K = graphs.config.model.mem_kdim;
  return (await questionQueries(graphs, ids)).slice((ids.length - 1) * K);
}

/** queries: (rows, K) memory-mode queries of the reader's tokens; chunk: the memory's write chunk (mem_chunk). */
export async function memoryReads(
  shards: readonly LoadedShard[],
  keys: ProductKeys,
  chunk: number,
  queries: Float32Array,
  reader: MemoryView["reader"],
): Promise<MemoryView> {
  const listed: { shard: string; slots: MemorySlotRead[] }[] = [];
  // The weights questions vote with: one softmax over every shard's reads, so they compare across shards.
  const reads = await readShards(shards, queries, keys);
  for (const [index, shard] of shards.entries()) {
    const addresses = reads[index]!;
    // A slot's weight is the largest any one of the reader's tokens gave it: the mean over tokens would rank
    // first the slots every token brushes (written by many), where the strongest single read finds the code
    // the question names. Slots are ranked as they vote (memoryVotes): weight over write count.
    const weights = new Map<number, number>();
    addresses.slots.forEach((slot, i) => {
      if (addresses.weights[i]! > 0) weights.set(slot, Math.max(weights.get(slot) ?? 0, addresses.weights[i]!));
    });
    const slots = [...weights].map(([slot, weight]) => slotRead(shard, chunk, slot, weight));
    listed.push({ shard: shard.name, slots: slots.sort((a, b) => vote(b) - vote(a)).slice(0, SLOTS_PER_SHARD) });
  }
  const cut = listed.flatMap((s) => s.slots.map(vote)).sort((a, b) => b - a)[SLOTS_IN_ALL - 1] ?? -Infinity;
  const kept = strongestInAll(listed, cut);
  return { reader, shardsRead: shards.length, shards: kept.filter((s) => s.slots.length > 0) };
}

/** What a slot's read adds to its chunk's votes: its weight over its write count. */
const vote = (slot: MemorySlotRead): number => slot.weight / Math.max(1, slot.writes);

/** Keeps the SLOTS_IN_ALL strongest slots across shards (ties at the cut in shard order). */
function strongestInAll(listed: { shard: string; slots: MemorySlotRead[] }[], cut: number) {
  let left = SLOTS_IN_ALL - listed.reduce((n, s) => n + s.slots.filter((slot) => vote(slot) > cut).length, 0);
  return listed.map(({ shard, slots }) => ({
    shard,
    slots: slots.filter((slot) => vote(slot) > cut || (vote(slot) === cut && left-- > 0)),
  }));
}

function slotRead(shard: LoadedShard, chunk: number, slot: number, weight: number): MemorySlotRead {
  const { data, provenance } = shard;
  const writes = data.hits[slot]!;
  const position = data.writer[slot]!;
  const place = position < 0 ? undefined : provenance.place(position);
  if (!place) return { slot, weight, writes };
  const start = Math.floor(position / chunk) * chunk;
  const [startLine, endLine] = provenance.linesIn(start, Math.min(start + chunk, data.header.tokens), place.path, place.line);
  return { slot, weight, writes, writer: { file: place.path, line: place.line, startLine, endLine } };
}
