import { identifierParts } from "../lexical/terms";

/** Runs of letters and digits (an identifier's `_` and `$` split it too). */
const WORD = /[\p{L}\p{N}_$]+/gu;

/**
 * Plain lower-case words of a text for a word-level embedder: identifiers split into their parts
 * (`parseHTTPDate` -> parse http date), because WordPiece cuts a glued identifier into meaningless pieces.
 */
export function codeWords(text: string): string {
  const words: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const parts = identifierParts(match[0]);
    if (parts.length > 0) words.push(...parts);
    else words.push(match[0].toLowerCase().replace(/[_$]/g, ""));
  }
  return words.filter((word) => word !== "").join(" ");
}
