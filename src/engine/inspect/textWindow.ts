// The text a window of inspect covers: a file read as UTF-8 text, a line range (or lines around a line),
// and its tokens with their lines and offsets, cut to what inspect reads at once.
import { readFile, stat } from "node:fs/promises";
import type { InspectToken } from "../../shared/inspectData";
import { LongLensError } from "../errors";
import type { CodeTokenizer } from "../model/tokenizer";

export interface TextWindow {
  startLine: number;
  endLine: number;
  truncated: boolean;
  tokens: InspectToken[];
}

/** Which lines to read: a range (1-based, inclusive; the end is clamped to the last line), or the lines around one. */
export type LineChoice = { lines?: [number, number] } | { around: number };

/** Without a range, inspect shows the top of the file: a token list for a huge file helps nobody. */
const DEFAULT_LINES = 200;
/** Lines looked at on each side of `around` before counting tokens (a long file is not tokenised whole). */
const AROUND_LINES = 400;
/** Lines of a range tokenised at first, doubled until they hold more tokens than fit (nor is a huge selection). */
const RANGE_SLICE_LINES = 256;
const LINE_BREAK = /\r\n|\r|\n/g;

export async function readTextFile(file: string): Promise<string> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new LongLensError(`File not found: ${file}`, "FILE_MISSING");
  }
  if (!info.isFile()) throw new LongLensError(`Not a file: ${file}`, "NOT_A_FILE");
  const bytes = await readFile(file);
  if (bytes.includes(0)) throw new LongLensError(`${file} is a binary file; inspect works on text.`, "BINARY_FILE");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new LongLensError(`${file} is not UTF-8 text; inspect works on text.`, "BINARY_FILE");
  }
}

/** UTF-16 offset where each line starts (lines end at \n, \r\n or a lone \r, as editors count them). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(LINE_BREAK)) starts.push(match.index! + match[0].length);
  // A final line break does not open another line.
  if (starts.length > 1 && starts[starts.length - 1] === text.length) starts.pop();
  return starts;
}

/** Where 1-based `line` ends: the next line's start (its line break included), else the text's end. */
function lineEnd(text: string, starts: number[], line: number): number {
  return line < starts.length ? starts[line]! : text.length;
}

function checkRange(lines: [number, number] | undefined, lineCount: number, name: string): [number, number] {
  if (!lines) return [1, Math.min(lineCount, DEFAULT_LINES)];
  const [start, end] = lines;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 1 || end < start || start > lineCount) {
    throw new LongLensError(`Bad line range ${start}-${end} for ${name}: it has ${lineCount} line(s).`, "BAD_RANGE");
  }
  return [start, Math.min(end, lineCount)];
}

/** Tokens of text[from, to) with absolute offsets and 1-based lines. */
function tokensOf(text: string, from: number, to: number, starts: number[], tokenizer: CodeTokenizer): InspectToken[] {
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1]! <= from) line++;
  return tokenizer.encodeWithOffsets(text.slice(from, to)).map(({ id, start, end }) => {
    while (line + 1 < starts.length && starts[line + 1]! <= from + start) line++;
    return { id, text: text.slice(from + start, from + end), line: line + 1, start: from + start, end: from + end };
  });
}

/**
 * Tokens of lines [first, last], or of enough of their first lines: once the lines before a slice's last one hold
 * more than `maxTokens`, the tokens fitLines keeps lie before the slice's end and are those of the whole range.
 */
function rangeTokens(text: string, [first, last]: [number, number], starts: number[], tokenizer: CodeTokenizer, maxTokens: number): InspectToken[] {
  for (let lines = RANGE_SLICE_LINES; ; lines *= 2) {
    const end = Math.min(last, first + lines - 1);
    const tokens = tokensOf(text, starts[first - 1]!, lineEnd(text, starts, end), starts, tokenizer);
    if (end === last || tokens.filter((t) => t.line < end).length > maxTokens) return tokens;
  }
}

/** Keeps whole lines from the front while they fit in `maxTokens`; a first line longer than that is cut. */
function fitLines(tokens: InspectToken[], maxTokens: number): InspectToken[] {
  if (tokens.length <= maxTokens) return tokens;
  const lastLine = tokens[maxTokens]!.line;
  const whole = tokens.slice(0, maxTokens).filter((t) => t.line < lastLine);
  return whole.length > 0 ? whole : tokens.slice(0, maxTokens);
}

/** The lines around `line` that fit in `maxTokens`, grown one line on each side at a time. */
function linesAround(tokens: InspectToken[], line: number, maxTokens: number): [number, number] {
  const perLine = new Map<number, number>();
  for (const t of tokens) perLine.set(t.line, (perLine.get(t.line) ?? 0) + 1);
  const first = tokens[0]!.line;
  const last = tokens[tokens.length - 1]!.line;
  let [lo, hi] = [line, line];
  let used = perLine.get(line) ?? 0;
  for (let grew = true; grew; ) {
    grew = false;
    for (const next of [hi + 1, lo - 1]) {
      if (next < first || next > last) continue;
      const cost = perLine.get(next) ?? 0;
      if (used + cost > maxTokens) continue;
      used += cost;
      if (next > hi) hi = next;
      else lo = next;
      grew = true;
    }
  }
  return [lo, hi];
}

/** The window of `text` (named `name` in errors) that `choice` picks, at most `maxTokens` tokens. */
export function textWindow(text: string, name: string, choice: LineChoice, tokenizer: CodeTokenizer, maxTokens: number): TextWindow {
  if (text.trim() === "") throw new LongLensError(`${name} is empty; there is nothing to inspect.`, "EMPTY_FILE");
  if (text.includes("\0")) throw new LongLensError(`${name} is a binary file; inspect works on text.`, "BINARY_FILE");
  const starts = lineStarts(text);
  let range: [number, number];
  if ("around" in choice) {
    const [line] = checkRange([choice.around, choice.around], starts.length, name);
    const lo = Math.max(1, line - AROUND_LINES);
    const hi = Math.min(starts.length, line + AROUND_LINES);
    range = linesAround(tokensOf(text, starts[lo - 1]!, lineEnd(text, starts, hi), starts, tokenizer), line, maxTokens);
  } else {
    range = checkRange(choice.lines, starts.length, name);
  }
  const all = rangeTokens(text, range, starts, tokenizer, maxTokens);
  const tokens = fitLines(all, maxTokens);
  if (tokens.length === 0) throw new LongLensError(`Lines ${range[0]}-${range[1]} of ${name} are empty; there is nothing to inspect.`, "EMPTY_RANGE");
  const truncated = tokens.length < all.length;
  return { startLine: range[0], endLine: truncated ? tokens[tokens.length - 1]!.line : range[1], truncated, tokens };
}
