// A comment opener in front of text ("/** Loads…", `"""Reminder…`): dropped so the text itself shows.
const LEADING_OPENER = /^(?:\/\*\*?|"""|''')\s*/;
// A comment-line prefix ("* ", "// ", "/// ", "# ", "-- "); the space keeps `*ptr` and `#include` intact.
const LEADING_PREFIX = /^(?:\*|\/\/+|#+|--)\s+/;
// A comment closer at the end of a one-line doc comment ("… */", `…"""`).
const TRAILING_CLOSER = /\s*(?:\*\/|"""|''')$/;
// Nothing but comment punctuation ("/**", "*", "*/", "//", "#", `"""`, "--", "// -----") or closing
// brackets ("}", "});"), as where a snippet starts at the end of the block above its best line: says nothing.
const PUNCTUATION_ONLY = /^[/*#"'\-{}()[\];,]*$/;

/** A trimmed line without its comment markers: `" * Loads the config."` -> `"Loads the config."`. */
function commentText(line: string): string {
  return line.trim().replace(LEADING_OPENER, "").replace(LEADING_PREFIX, "").replace(TRAILING_CLOSER, "").trim();
}

/**
 * The first line of a snippet that says something, trimmed and without comment markers: enough to recognise a
 * hit. Snippets often open with a bare doc-comment opener or `#`, which tell the reader nothing. A snippet of
 * nothing but comment punctuation falls back to its first non-empty line.
 */
export function firstLine(snippet: string): string {
  const lines = snippet.split("\n");
  for (const line of lines) {
    const text = commentText(line);
    if (!PUNCTUATION_ONLY.test(text)) return text;
  }
  return lines.find((line) => line.trim() !== "")?.trim() ?? "";
}
