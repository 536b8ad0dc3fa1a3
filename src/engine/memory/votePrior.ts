// Some chunks draw a question's memory reads whatever it asks (their slots sit near every query: "hubs"); a
// vote for them says nothing about the question. Their share is measured once per opened memory with
// reference questions about keys no needle uses, and taken off each question's votes. Fitted on single
// needles in 1M held-out tokens (seed 11, not the benchmark's): the memory's best chunk held the needle for
// 16 of 20 (exact key) and 16 of 20 (paraphrased) without it, 19 and 19 with it.
import type { ChunkVote } from "./memoryVotes";

/** Key words in neither the training nor the evaluation needles (models/training/needles.py CALIBRATION_WORDS). */
const REFERENCE_KEYS = ["azure-beacon", "brisk-cobalt", "coral-domino", "dainty-fossil", "frosty-galaxy", "gloomy-granite", "hasty-hazel", "lofty-magnet"];

/** The reference questions: the needle question form (bench/index/heldoutTrees.ts) with the keys above. */
export const REFERENCE_QUESTIONS = REFERENCE_KEYS.map((key) =>
  `\n// Question: What is the special magic number for ${key}?\n// Answer: The special magic number for ${key} is:`);

const chunkKey = (vote: ChunkVote): string => `${vote.shard}:${vote.start}`;

/** Mean votes per chunk over the reference questions' votes. */
export function votePrior(reference: readonly ChunkVote[][]): Map<string, number> {
  const prior = new Map<string, number>();
  for (const votes of reference) for (const vote of votes) prior.set(chunkKey(vote), (prior.get(chunkKey(vote)) ?? 0) + vote.votes / reference.length);
  return prior;
}

/** Votes less what the chunk draws from any question, best first. */
export function withoutPrior(votes: readonly ChunkVote[], prior: ReadonlyMap<string, number>): ChunkVote[] {
  return votes.map((vote) => ({ ...vote, votes: vote.votes - (prior.get(chunkKey(vote)) ?? 0) })).sort((a, b) => b.votes - a.votes);
}
