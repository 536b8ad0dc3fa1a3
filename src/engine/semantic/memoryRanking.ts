import { chunkLocation } from "../chunk/indexedChunk";
import type { CatalogFile } from "../store/catalog";
import type { HitMemory, MemoryHit } from "../types";

/** Slots a hit lists of the memory's reads for it, strongest first: enough to show why, small enough for JSON. */
export const SLOTS_SHOWN = 8;

/** The memory's votes as a ranking of stored chunks, with what it read for each. */
export interface MemoryRanking {
  ids: string[];
  byChunk: Map<string, HitMemory>;
}

/**
 * Stored chunks the memory votes for, best first: a memory hit is a 64-token stretch of the reading, placed at
 * the line of its strongest vote, and counts for the chunk of that file holding that line. Stretches that land
 * in one chunk add their votes; the chunk keeps its best stretch's rank.
 */
export function memoryRanking(hits: readonly MemoryHit[], files: ReadonlyMap<string, CatalogFile>): MemoryRanking {
  const spans = new Map<string, { id: string; startLine: number; endLine: number }[]>();
  const spansOf = (path: string) => {
    let list = spans.get(path);
    if (!list) {
      list = (files.get(path)?.chunkIds ?? []).map((id) => ({ id, ...chunkLocation(id) }));
      spans.set(path, list);
    }
    return list;
  };
  const byChunk = new Map<string, HitMemory>();
  for (const hit of hits) {
    const chunk = spansOf(hit.file).find((span) => span.startLine <= hit.line && span.endLine >= hit.line);
    if (!chunk) continue; // a file indexed since the memory was written, or one the memory read past its limit
    const entry = byChunk.get(chunk.id) ?? { votes: 0, slots: [] };
    entry.votes += hit.votes;
    entry.slots.push(...hit.slots.map(({ shard, slot, weight, writes }) => ({ shard, slot, weight, writes })));
    byChunk.set(chunk.id, entry);
  }
  for (const entry of byChunk.values()) entry.slots = entry.slots.sort((a, b) => b.weight - a.weight).slice(0, SLOTS_SHOWN);
  return { ids: [...byChunk.keys()], byChunk };
}
