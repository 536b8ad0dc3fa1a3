// How sure LongLens is of a candidate's answer: a logistic rule over what the read showed, fitted on held-out
// needles (bench/needle/fitNeedle.ts, never the benchmark's or the tests' needles), which prints these numbers.
// The candidate with the highest confidence wins; below minConfidence no answer is given.
// Fit of 2026-12-01 (second): 360 questions on 8 trees (32K and 131K held-out tokens, seeds 101-104) with comment,
// code-shaped, config, string, multi-value and side-by-side comment needles, near misses and sibling misses; 283
// candidates passed the key and copy checks, 19 of them wrong. Every wrong one is a decoded value on a line that
// does not name the whole key (a sibling's, the key's words on the lines around it); every scored one (a literal
// beside the key, keyValues.ts) was right. So keyOnLine carries the weight; the log-probabilities, held to
// non-negative weights (a surer model must not lower the confidence), get none: unconstrained they went slightly
// negative, as scored values, right, have lower log-probabilities than decoded wrong ones. The fit answers all 360
// rightly at every threshold from 0.3 to 0.9 (ties go to 0.5); the first fit, without scored values, 278.
// A share of the key's words on the value's line, instead of all or none, gave 4 of 5 words the confidence of 5
// (0.97 for a sibling's value); whether the lexical index proposed the place told nothing.

export interface AnswerFeatures {
  /** Mean and least natural-log probability of the answer's tokens (decoded, or forced for a scored value). */
  meanLogProb: number;
  minLogProb: number;
  /** The place's memory votes over the best place's (0 when the memory did not propose it). */
  memoryShare: number;
  /** Whether the answer's own line names every key term (the key check also takes the lines around it). */
  keyOnLine: boolean;
  /** Whether the value is a literal beside the key that the model scored (keyValues.ts), not one it decoded. */
  scored: boolean;
}

/** The rule's inputs in a fixed order: the fit and the rule read the same vector. */
export const FEATURES = ["meanLogProb", "minLogProb", "memoryShare", "keyOnLine", "scored"] as const;

export function featureVector(f: AnswerFeatures): number[] {
  return FEATURES.map((name) => Number(f[name]));
}

export const NEEDLE_RULE = {
  /** confidence = sigmoid(weights . features + intercept), weights in FEATURES order. */
  weights: [0, 0, -0.337, 7.644, 0.49],
  intercept: -2.322,
  /** The share of the question's key terms the window, and the value's lines, must name. */
  minKeyCoverage: 1,
  /** Below this confidence no answer is given. */
  minConfidence: 0.5,
} as const;

export function confidenceOf(f: AnswerFeatures): number {
  const z = featureVector(f).reduce((sum, x, i) => sum + x * NEEDLE_RULE.weights[i]!, NEEDLE_RULE.intercept);
  return 1 / (1 + Math.exp(-z));
}
