// How a candidate's answer is scored and how sure LongLens is of it: fitted on held-out needles
// (bench/needle/fitNeedle.ts, never the benchmark's or the tests' needles), which prints these numbers.
// Fit of 2026-12-01, 96 questions on 3 trees of 32K held-out tokens with 12 needles and their near-miss
// distractors each: every answer that passed the key and copy checks was right (72 of 72; the 24 absent and
// near-miss keys got none), at every memory weight and threshold tried, so the memory's votes get no weight and
// the confidence is the rule of succession's 73/74 (reliability: 72 answers at 0.99, 72 right).

export const NEEDLE_RULE = {
  /** score = mean token log-probability of the answer + memoryWeight * the place's share of the memory's votes. */
  memoryWeight: 0,
  /** confidence = sigmoid(slope * score + intercept). */
  slope: 0,
  intercept: 4.29,
  /** The share of the question's key terms the window, and the value's lines, must name. */
  minKeyCoverage: 1,
  /** Below this confidence no answer is given. */
  minConfidence: 0.5,
} as const;

export function candidateScore(meanLogProb: number, memoryShare: number): number {
  return meanLogProb + NEEDLE_RULE.memoryWeight * memoryShare;
}

export function confidenceOf(score: number): number {
  return 1 / (1 + Math.exp(-(NEEDLE_RULE.slope * score + NEEDLE_RULE.intercept)));
}
