/** Runs of letters, digits, `_` and `$`: identifiers and words. Anything else separates terms. */
const WORD = /[\p{L}\p{N}_$]+/gu;
/** Pieces of one identifier: `HTTPServer2Go` -> HTTP, Server, 2, Go. */
const IDENTIFIER_PART = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+/gu;

/** English words that appear in almost every question and carry no meaning for code search. */
const STOP_WORDS = new Set(
  "a an and are as at be by can do does for from how i in is it of on or that the this to was what when where which who why with".split(" "),
);

/** The words of one identifier, lower-cased, or [] when they are just the identifier itself. */
export function identifierParts(word: string): string[] {
  const parts: string[] = [];
  for (const piece of word.split(/[_$]+/)) {
    for (const match of piece.matchAll(IDENTIFIER_PART)) parts.push(match[0].toLowerCase());
  }
  return parts.length === 1 && parts[0] === word.toLowerCase() ? [] : parts;
}

/**
 * Search terms of a text: each word lower-cased whole (so an exact identifier matches strongly) plus the parts
 * of compound identifiers (camelCase, PascalCase, snake_case; kebab-case and paths split at the separators).
 */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const whole = word.toLowerCase();
    if (whole.length > 1 && !STOP_WORDS.has(whole)) terms.push(whole);
    for (const part of identifierParts(word)) if (part.length > 1 && !STOP_WORDS.has(part)) terms.push(part);
  }
  return terms;
}
