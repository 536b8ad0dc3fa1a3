import { chunkLocation } from "../../src/engine/chunk/indexedChunk";
import type { Question } from "./questionSets";

/** 1-based place of the first chunk that overlaps the gold function, or Infinity when none of `ids` does. */
export function goldRank(question: Question, ids: readonly string[]): number {
  const [first, last] = question.lines;
  const index = ids.findIndex((id) => {
    const at = chunkLocation(id);
    return at.file === question.file && at.startLine <= last && at.endLine >= first;
  });
  return index < 0 ? Infinity : index + 1;
}

export interface Scores {
  r1: number;
  r5: number;
  mrr5: number;
}

export function scores(ranks: readonly number[]): Scores {
  const mean = (f: (rank: number) => number): number => (ranks.length ? ranks.reduce((sum, rank) => sum + f(rank), 0) / ranks.length : 0);
  return { r1: mean((r) => (r <= 1 ? 1 : 0)), r5: mean((r) => (r <= 5 ? 1 : 0)), mrr5: mean((r) => (r <= 5 ? 1 / r : 0)) };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0;
}
