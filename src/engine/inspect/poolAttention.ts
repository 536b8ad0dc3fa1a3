// A 2,000-token window's attention is 4M cells per head: the grid gets it pooled into bins instead.

/** Where each of `bins` near-equal bins over `tokens` starts; the last entry is `tokens`. */
export function binStarts(tokens: number, bins: number): number[] {
  return Array.from({ length: bins + 1 }, (_, i) => Math.floor((i * tokens) / bins));
}

/**
 * Pools one head's attention [tokens, tokens] (query rows, key columns) into [bins, bins]: each query bin's
 * mean row, summed over each key bin, so pooled rows still sum to 1. Writes into `out` at `at`.
 */
export function poolHead(probs: Float32Array, offset: number, tokens: number, starts: number[], out: Float32Array, at: number): void {
  const bins = starts.length - 1;
  for (let qb = 0; qb < bins; qb++) {
    const cell = at + qb * bins;
    const share = 1 / (starts[qb + 1]! - starts[qb]!);
    for (let q = starts[qb]!; q < starts[qb + 1]!; q++) {
      const row = offset + q * tokens;
      // Causal: keys after the query hold zero, so key bins past the query's are skipped.
      for (let kb = 0; kb < bins && starts[kb]! <= q; kb++) {
        const end = Math.min(starts[kb + 1]!, q + 1);
        let sum = 0;
        for (let k = row + starts[kb]!; k < row + end; k++) sum += probs[k]!;
        out[cell + kb] += sum * share;
      }
    }
  }
}
