// The values that stand beside the asked key in a window's source: on a line that names every key term, the
// literal right after the key's last word, as code and config write one (`NAME = 42`, `#define NAME 42`,
// `name: 42`, `"name": "x"`, `... for key is: 42.`). The model was trained on comment needles and often fails
// to copy these by free decoding; as candidates it scores them (answerNeedle.ts), and the source span is exact.
import { searchTerms } from "../lexical/terms";
import { keyCoverage, stem } from "./keyTerms";
import { NEEDLE_RULE } from "./needleRule";
import type { SourceText } from "./sourceText";
import type { SourceWindow } from "./sourceWindow";

export interface KeyValue {
  value: string;
  /** UTF-16 offsets [from, to) of the value in the file's text. */
  from: number;
  to: number;
  line: number;
}

const WORD = /[\p{L}\p{N}_$-]+/gu;
/** A type annotation between the key and its value (`port: int = 8080`, `const N: number = 5`): the value follows `=`. */
const ANNOTATION = /^["'`]?\s*:\s*[^=:;,(){}"'`]+?(?==(?![=>]))/;
/** Between the key and its value: a closing quote, then `=`, `:`, `:=`, `=>` or "is:", or only spaces (`#define`). */
const SEPARATOR = /^["'`\]]?(\s*(?:is\s*)?(?::=|=>|[:=])\s*|\s+)/;
/** A number (hex, float, with a type suffix), a quoted string (its content is the value), or a bare word. */
const LITERAL = /^(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|(-?\d[\p{L}\p{N}_.+-]*)|([\p{L}\p{N}_-]+))/u;
/** What may follow a bare word for it to be the whole value (`level: info`), not the start of an expression. */
const STATEMENT_END = /^[\s,;]*(?:$|#|\/\/)/;
const SENTENCE_END = /[.,;:]+$/;
/** Files where a bare word is a value (`level: info`); in code a bare word after the key is a type or a name. */
const CONFIG_FILE = /\.(?:ya?ml|toml|ini|cfg|conf|properties)$/i;

/** Where the last word naming a key term ends on `line`, or -1. */
function keyEnd(line: string, terms: ReadonlySet<string>): number {
  let end = -1;
  for (const match of line.matchAll(WORD)) if (searchTerms(match[0]).some((t) => terms.has(stem(t)))) end = match.index + match[0].length;
  return end;
}

/** The literal after the key on a line of text, as [offset within the line, value]. */
function valueAfter(line: string, key: number, bareWords: boolean): [number, string] | undefined {
  const at = key + (ANNOTATION.exec(line.slice(key))?.[0].length ?? 0);
  const separator = SEPARATOR.exec(line.slice(at));
  if (!separator) return undefined;
  const spacesOnly = separator[1]!.trim() === "";
  const start = at + separator[0].length;
  const literal = LITERAL.exec(line.slice(start));
  if (!literal) return undefined;
  const [whole, double, single, number, bare] = literal;
  if (double !== undefined || single !== undefined) return double || single ? [start + 1, (double ?? single)!] : undefined;
  if (number !== undefined) return [start, number.replace(SENTENCE_END, "")];
  // A bare word is a value only in config, after `=` or `:` and alone in its statement (`level: info`, not `x = y + 1`).
  if (!bareWords || spacesOnly || !STATEMENT_END.test(line.slice(start + whole.length))) return undefined;
  return [start, bare!];
}

/** Every value beside the key on the window's whole lines, in line order. */
export function keyValues(source: SourceText, window: SourceWindow, terms: readonly string[]): KeyValue[] {
  if (terms.length === 0) return [];
  const stems = new Set(terms);
  const first = source.place(window.from).line;
  const last = source.place(Math.max(window.from, window.to - 1)).line;
  const found: KeyValue[] = [];
  for (let l = first; l <= last; l++) {
    const start = source.lineStart(l);
    const text = source.lines(l, l).replace(/\r?\n$|\r$/, "");
    if (start < window.from || start + text.length > window.to) continue;
    if (keyCoverage(terms, text) < NEEDLE_RULE.minKeyCoverage) continue;
    const at = keyEnd(text, stems);
    const value = at < 0 ? undefined : valueAfter(text, at, CONFIG_FILE.test(window.file));
    if (value && value[1] !== "") found.push({ value: value[1], from: start + value[0], to: start + value[0] + value[1].length, line: l });
  }
  return found;
}
