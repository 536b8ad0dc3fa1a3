// Where REPO folds text: stretches of consecutive tokens whose positions stay within a band so narrow
// that RoPE tells them apart barely at all (its fastest pair rotates by the position difference in radians).

/** Positions within this span count as one place. */
export const FOLD_SPAN = 0.5;
/** A shorter run of close positions is ordinary jitter, not a fold. */
export const MIN_FOLD_TOKENS = 3;

/** Folded stretches [first, last] of positions[from, from + tokens), greedily from the left. */
export function foldedStretches(positions: Float32Array, from: number, tokens: number): [number, number][] {
  const folds: [number, number][] = [];
  let start = 0;
  let [lo, hi] = [Infinity, -Infinity];
  for (let t = 0; t <= tokens; t++) {
    const p = t < tokens ? positions[from + t]! : NaN;
    const nextLo = Math.min(lo, p);
    const nextHi = Math.max(hi, p);
    if (t < tokens && nextHi - nextLo <= FOLD_SPAN) {
      [lo, hi] = [nextLo, nextHi];
      continue;
    }
    if (t - start >= MIN_FOLD_TOKENS) folds.push([start, t - 1]);
    [start, lo, hi] = [t, p, p];
  }
  return folds;
}
