// The memory view: which slots of every shard a reader's queries read, with what weight, how many tokens
// wrote each and where the last of them sits in the code. Kept to the strongest few so a webview stays light.
import type { MemorySlotRead, MemoryView } from "../../shared/inspectData";
import { type LoadedShard, memoryVotes } from "../memory/memoryVotes";
import type { ProductKeys } from "../memory/productKeys";
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
  // The chunks the reads vote for, as a question's are counted (memoryVotes: one softmax over every shard,
  // weight over write count, summed per chunk). A slot's weight is the largest any one of the reader's tokens
  // gave it (the mean would favour slots every token brushes); slots are listed by their chunk's votes: a single
  // slot's weight is noisy, its chunk's votes are what locate a needle (on samples/taskboard and the e2e tree,
  // ranking by the slot alone put the needle's slot first in one and out of the first 8 in the other).
  const votes = await memoryVotes(shards, queries, keys, chunk);
  const strongest = shards.map(() => new Map<number, { votes: number; weight: number }>());
  for (const vote of votes) {
    for (const { slot, weight } of vote.slots) {
      const seen = strongest[vote.shard]!.get(slot);
      if (!seen || weight > seen.weight) strongest[vote.shard]!.set(slot, { votes: vote.votes, weight });
    }
  }
  const listed = shards.map((shard, index) => {
    const ranked = [...strongest[index]!].map(([slot, { votes: chunkVotes, weight }]) => ({ slot, rank: [chunkVotes, weight] as const }));
    const top = ranked.sort(byRank).slice(0, SLOTS_PER_SHARD);
    return { shard: shard.name, slots: top.map(({ slot, rank }) => ({ read: slotRead(shard, chunk, slot, rank[1]), rank })) };
  });
  const kept = listed.flatMap((s) => s.slots).sort(byRank).slice(0, SLOTS_IN_ALL);
  const shown = new Set(kept.map((entry) => entry.read));
  const view = listed.map(({ shard, slots }) => ({ shard, slots: slots.filter((entry) => shown.has(entry.read)).map((entry) => entry.read) }));
  return { reader, shardsRead: shards.length, shards: view.filter((s) => s.slots.length > 0) };
}

/** What orders listed slots: their chunk's votes, then their own weight. */
const byRank = (a: { rank: readonly [number, number] }, b: { rank: readonly [number, number] }): number => b.rank[0] - a.rank[0] || b.rank[1] - a.rank[1];

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
