// How sure LongLens is of a candidate's answer: a logistic rule over what the read showed, fitted on held-out
// needles (bench/needle/fitNeedle.ts, never the benchmark's or the tests' needles), which prints these numbers.
// The candidate with the highest confidence wins; below minConfidence no answer is given.
// Fit of 2026-12-01: 360 questions on 8 trees (32K and 131K held-out tokens, seeds 101-104) with comment, code-
// shaped, config, string, multi-value and side-by-side comment needles, near misses and sibling misses; 209
// candidates passed the key and copy checks, 27 of them wrong, and every wrong one had its value on a line that
// does not name the whole key (a sibling's value, the key's words found on the lines around it). So keyOnLine
// carries most of the weight and the log-probabilities grade the rest; the fit answers 278 of the 360 rightly at
// every threshold from 0.3 to 0.9 (ties go to 0.5). A share of the key's words on the value's line, instead of
// all or none, gave 4 of 5 words the confidence of 5 (0.97 for a sibling's value); whether the lexical index
// proposed the place told nothing (every supported candidate had it).

export interface AnswerFeatures {
  /** Mean and least natural-log probability of the decoded answer's tokens. */
  meanLogProb: number;
  minLogProb: number;
  /** The place's memory votes over the best place's (0 when the memory did not propose it). */
  memoryShare: number;
  /** Whether the answer's own line names every key term (the key check also takes the lines around it). */
  keyOnLine: boolean;
}

/** The rule's inputs in a fixed order: the fit and the rule read the same vector. */
export const FEATURES = ["meanLogProb", "minLogProb", "memoryShare", "keyOnLine"] as const;

export function featureVector(f: AnswerFeatures): number[] {
  return FEATURES.map((name) => Number(f[name]));
}

export const NEEDLE_RULE = {
  /** confidence = sigmoid(weights . features + intercept), weights in FEATURES order. */
  weights: [0.614, 0.336, -0.415, 7.168],
  intercept: -2.163,
  /** The share of the question's key terms the window, and the value's lines, must name. */
  minKeyCoverage: 1,
  /** Below this confidence no answer is given. */
  minConfidence: 0.5,
} as const;

export function confidenceOf(f: AnswerFeatures): number {
  const z = featureVector(f).reduce((sum, x, i) => sum + x * NEEDLE_RULE.weights[i]!, NEEDLE_RULE.intercept);
  return 1 / (1 + Math.exp(-z));
}
