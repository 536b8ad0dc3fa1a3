// What a needle question names: its words (identifiers split, as the lexical index splits them), which the
// answer's own lines must name too. That is what tells the asked key from a near-miss or an absent one: the
// model copies the nearest value it sees whether or not its key was asked for.
import { searchTerms } from "../lexical/terms";

/** Words of the question's frame rather than of what it asks about. */
const FRAME_WORDS = new Set(["question", "answer", "value", "values", "tell", "me", "please"]);

/** "numbers" and "number" are one word to a reader: a plain plural -s is dropped on both sides. */
export function stem(term: string): string {
  return term.length > 3 && term.endsWith("s") && !term.endsWith("ss") ? term.slice(0, -1) : term;
}

/** The question's key terms: of the question line when it is in the prompt form, else of the whole question. */
export function keyTerms(question: string): string[] {
  const asked = /Question:(.*)/.exec(question)?.[1] ?? question;
  return [...new Set(searchTerms(asked).filter((t) => !FRAME_WORDS.has(t)).map(stem))];
}

/** The share of `terms` that `text` names; 0 when there are none to look for. */
export function keyCoverage(terms: readonly string[], text: string): number {
  if (terms.length === 0) return 0;
  const named = new Set(searchTerms(text).map(stem));
  return terms.filter((t) => named.has(t)).length / terms.length;
}
