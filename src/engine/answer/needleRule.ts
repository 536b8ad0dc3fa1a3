// How a candidate's answer is scored and how sure LongLens is of it: fitted on held-out needles
// (bench/needle/fitNeedle.ts, never the benchmark's or the tests' needles), which prints these numbers.

export const NEEDLE_RULE = {
  /** score = mean token log-probability of the answer + memoryWeight * the place's share of the memory's votes. */
  memoryWeight: 0.5,
  /** confidence = sigmoid(slope * score + intercept). */
  slope: 3,
  intercept: 2,
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
