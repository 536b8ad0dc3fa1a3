// How sure LongLens is of a candidate's answer: a logistic rule over what the read showed, fitted on held-out
// needles (bench/needle/fitNeedle.ts, never the benchmark's or the tests' needles), which prints these numbers.
// The candidate with the highest confidence wins; below minConfidence no answer is given.
// Fit of 2026-12-01: 328 questions on 8 trees (32K and 131K held-out tokens, seeds 101-104) with comment, code-
// shaped, config, string and multi-value needles, near misses and sibling misses; 176 candidates passed the key and
// copy checks, 9 of them wrong. Every wrong one had its value on a line that did not name the whole key (a
// sibling's value, one line off): keyOnLine carries most of the weight, the log-probabilities grade the rest.
// Threshold: 0.6 and 0.7 answered the most fit questions rightly (247 of 328); ties go to the nearest 0.5. Whether
// the lexical index proposed the place was tried as a feature: every supported candidate had it, so it told nothing.

export interface AnswerFeatures {
  /** Mean and least natural-log probability of the decoded answer's tokens. */
  meanLogProb: number;
  minLogProb: number;
  /** The place's memory votes over the best place's (0 when the memory did not propose it). */
  memoryShare: number;
  /** The share of the key terms the answer's own line names (1: the key is on the value's line). */
  keyOnLine: number;
}

/** The rule's inputs in a fixed order: the fit and the rule read the same vector. */
export const FEATURES = ["meanLogProb", "minLogProb", "memoryShare", "keyOnLine"] as const;

export function featureVector(f: AnswerFeatures): number[] {
  return FEATURES.map((name) => f[name]);
}

export const NEEDLE_RULE = {
  /** confidence = sigmoid(weights . features + intercept), weights in FEATURES order. */
  weights: [1.736, 1.147, 0.117, 12.155],
  intercept: -6.462,
  /** The share of the question's key terms the window, and the value's lines, must name. */
  minKeyCoverage: 1,
  /** Below this confidence no answer is given. */
  minConfidence: 0.6,
} as const;

export function confidenceOf(f: AnswerFeatures): number {
  const z = featureVector(f).reduce((sum, x, i) => sum + x * NEEDLE_RULE.weights[i]!, NEEDLE_RULE.intercept);
  return 1 / (1 + Math.exp(-z));
}
