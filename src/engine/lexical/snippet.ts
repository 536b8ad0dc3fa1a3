import { searchTerms } from "./terms";

/** Lines shown for a hit: enough to recognise the code, short enough for a list of ten. */
export const SNIPPET_LINES = 12;
/** Characters a snippet holds at most: a piece of a minified line, or a chunk stored before lines were cut, stays readable. */
export const SNIPPET_MAX_CHARS = 2000;
/** Lines kept above the best line, so its context (a signature, a comment) shows too. */
const LINES_ABOVE_BEST = 3;

/**
 * The 0-based line of `text` that best matches the terms a search matched: each distinct matched term on the
 * line adds its length, so specific identifiers outweigh short common words. The first line wins ties.
 */
export function bestLine(text: string, matchedTerms: readonly string[]): number {
  const wanted = new Set(matchedTerms);
  let best = 0;
  let bestScore = 0;
  text.split("\n").forEach((line, index) => {
    let score = 0;
    for (const term of new Set(searchTerms(line))) if (wanted.has(term)) score += term.length;
    if (score > bestScore) {
      best = index;
      bestScore = score;
    }
  });
  return best;
}

/** About SNIPPET_LINES lines of `text` around its line `best`; `first` is the 0-based line they start at. */
export function snippetAround(text: string, best: number): { first: number; text: string } {
  const lines = text.split("\n");
  const first = Math.max(0, Math.min(best - LINES_ABOVE_BEST, lines.length - SNIPPET_LINES));
  return { first, text: lines.slice(first, first + SNIPPET_LINES).join("\n").slice(0, SNIPPET_MAX_CHARS) };
}
