/**
 * How `ask` fuses its signals: weighted reciprocal rank (fuse.ts) over the lexical index's BM25 ranking, three
 * static-embedding rankings (chunks embedded whole with their path and names, by their head, by path and names
 * alone) and the
 * memory's votes (memoryRanking.ts).
 * Fitted by `npm run bench -- ask` on the fit split of its question sets (bench/ask/fitFusion.ts); the bench
 * reports when these constants differ from what the fit finds.
 */
export const ASK_SIGNALS = {
  damping: 5,
  weights: { lexical: 1, enriched: 0.25, head: 0.5, names: 0.25, memory: 0 },
};

/** Candidates each signal contributes to the fusion. */
export const SIGNAL_CANDIDATES = 50;

/** Memory stretches read per question: several can land in one chunk, so more than the chunks it contributes. */
export const MEMORY_VOTES_READ = 2 * SIGNAL_CANDIDATES;
