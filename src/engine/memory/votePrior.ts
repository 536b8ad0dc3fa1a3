// Some chunks draw a question's memory reads whatever it asks (their slots sit near every query: "hubs"); a
// vote for them says little about the question. What they draw is measured once per opened memory, with a few
// reference readings of plain code that ask nothing, and taken off each question's votes. Fitted on single
// needles in 1M held-out tokens (seeds 11 and 12, not the index bench's seed 1): located 17+19 of 40 (exact)
// and 17+19 (paraphrased) without it, 19+19 and 18+19 with it. A reference phrased as a question was worse:
// it votes for the needle's own chunk, which shares its words.
import type { ChunkVote } from "./memoryVotes";

export const REFERENCE_READINGS = [
  "\nconst value = compute(input);\nreturn value;",
  "\nfunction handle(request, response) {\n  return next();\n}",
  "\nimport { a } from './b';\nexport default a;",
];

const chunkKey = (vote: ChunkVote): string => `${vote.shard}:${vote.start}`;

/** Mean votes per chunk over the reference readings. */
export function votePrior(reference: readonly ChunkVote[][]): Map<string, number> {
  const prior = new Map<string, number>();
  for (const votes of reference) for (const vote of votes) prior.set(chunkKey(vote), (prior.get(chunkKey(vote)) ?? 0) + vote.votes / reference.length);
  return prior;
}

/** Votes less what the chunk draws from any reading, best first. */
export function withoutPrior(votes: readonly ChunkVote[], prior: ReadonlyMap<string, number>): ChunkVote[] {
  return votes.map((vote) => ({ ...vote, votes: vote.votes - (prior.get(chunkKey(vote)) ?? 0) })).sort((a, b) => b.votes - a.votes);
}
