import type { HitSource } from "../types";

/** One signal's ranking of chunks for a question, best first, and how much its votes count. */
export interface SignalRanking {
  source: HitSource;
  ids: readonly string[];
  weight: number;
}

export interface FusedChunk {
  id: string;
  score: number;
  /** The signals whose ranking holds the chunk. */
  sources: HitSource[];
}

/** Damps the difference between neighbouring ranks (reciprocal rank fusion's k); fitted with the weights. */
export const RANK_DAMPING = 60;

/**
 * Weighted reciprocal rank fusion: each signal adds weight / (k + rank) for every chunk it ranks. Ranks, not
 * scores, so signals on different scales (BM25, cosine, memory votes) fuse without calibration.
 */
export function fuseRankings(rankings: readonly SignalRanking[], top: number, damping = RANK_DAMPING): FusedChunk[] {
  const fused = new Map<string, FusedChunk>();
  for (const { source, ids, weight } of rankings) {
    ids.forEach((id, index) => {
      const entry = fused.get(id) ?? { id, score: 0, sources: [] };
      entry.score += weight / (damping + index + 1);
      if (!entry.sources.includes(source)) entry.sources.push(source);
      fused.set(id, entry);
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score).slice(0, top);
}
