// What the needle rule is fitted on and judged by: each read candidate's features and whether its answer is a
// needle's value in the needle's file, the answers the rule would give, and the reliability table with its ECE.
import type { AnswerFeatures } from "../../src/engine/answer/needleRule";
import { needlePrompt } from "../../src/engine/answer/needlePrompt";
import type { NeedleCandidate } from "../../src/engine/types";
import type { AskedNeedle } from "./askNeedles";

export interface Point {
  confidence: number;
  right: boolean;
}

export function featuresOf(c: NeedleCandidate): AnswerFeatures {
  return { meanLogProb: c.meanLogProb, minLogProb: c.minLogProb, memoryShare: c.memoryShare, keyOnLine: c.keyOnLine, scored: c.scored };
}

const pluralOf = (asked: AskedNeedle) => needlePrompt(asked.question, "//").plural;

/** Whether every value the candidate answers is a value of one of the question's needles, in that needle's file. */
export function candidateRight(asked: AskedNeedle, c: NeedleCandidate): boolean {
  return c.values.length > 0 && c.values.every((v) => asked.needles.some((n) => n.value === v && n.file === c.file));
}

export interface Pick extends Point {
  asked: AskedNeedle;
  candidate: NeedleCandidate;
}

/**
 * The answers a rule would give, before its threshold: for a question asking for one value, its most confident
 * supported candidate; for one asking for several, each supported candidate.
 */
export function picks(asked: readonly AskedNeedle[], confidence: (c: NeedleCandidate) => number): Pick[] {
  const out: Pick[] = [];
  for (const q of asked) {
    const supported = (q.result.candidates ?? []).filter((c) => c.supported).map((candidate) => ({ candidate, confidence: confidence(candidate) }));
    supported.sort((a, b) => b.confidence - a.confidence);
    for (const s of pluralOf(q) ? supported : supported.slice(0, 1)) out.push({ ...s, right: candidateRight(q, s.candidate), asked: q });
  }
  return out;
}

/** Whether the rule, at `threshold`, answers rightly: every needle's value and nothing wrong, or nothing where there is no needle. */
export function questionRight(q: AskedNeedle, confidence: (c: NeedleCandidate) => number, threshold: number): boolean {
  const given = picks([q], confidence).filter((p) => p.confidence >= threshold);
  if (q.needles.length === 0) return given.length === 0;
  const values = new Set(given.flatMap((p) => p.candidate.values));
  return given.every((p) => p.right) && q.needles.every((n) => values.has(n.value));
}

const BINS = [0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1.0001];

/** Expected calibration error over BINS: the count-weighted gap between mean confidence and accuracy. */
export function expectedCalibrationError(points: readonly Point[]): number {
  let gap = 0;
  for (let i = 0; i + 1 < BINS.length; i++) {
    const inBin = points.filter((p) => p.confidence >= BINS[i]! && p.confidence < BINS[i + 1]!);
    if (inBin.length === 0) continue;
    const mean = inBin.reduce((s, p) => s + p.confidence, 0) / inBin.length;
    const right = inBin.filter((p) => p.right).length / inBin.length;
    gap += (inBin.length / points.length) * Math.abs(mean - right);
  }
  return gap;
}

/** The reliability table (markdown): per confidence bin, how many answers, their mean confidence, how many were right. */
export function reliabilityTable(points: readonly Point[], threshold: number): string[] {
  const lines = [`| confidence | answers | given (>= ${threshold}) | mean confidence | right |`, "| --- | ---: | ---: | ---: | ---: |"];
  for (let i = 0; i + 1 < BINS.length; i++) {
    const inBin = points.filter((p) => p.confidence >= BINS[i]! && p.confidence < BINS[i + 1]!);
    const mean = inBin.length ? (inBin.reduce((s, p) => s + p.confidence, 0) / inBin.length).toFixed(3) : "-";
    const right = inBin.length ? `${inBin.filter((p) => p.right).length} (${((100 * inBin.filter((p) => p.right).length) / inBin.length).toFixed(1)}%)` : "-";
    lines.push(`| ${BINS[i]!.toFixed(2)}-${Math.min(1, BINS[i + 1]!).toFixed(2)} | ${inBin.length} | ${inBin.filter((p) => p.confidence >= threshold).length} | ${mean} | ${right} |`);
  }
  return lines;
}
