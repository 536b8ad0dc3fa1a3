import { readFile, stat } from "node:fs/promises";
import { LongLensError } from "./errors";
import { CodeTokenizer, TOKENIZER_FILE } from "./model/tokenizer";

export interface InspectResult {
  file: string;                 // path as given
  startLine: number; endLine: number;
  tokens: { id: number; text: string; line: number }[];
  tokenizer: string;            // e.g. "models/tokenizer.json (byte-level BPE, 8192)"
  analyses: string[];           // names of analyses present; more arrive with the model ("attention", "positions", ...)
}

/** Without a range, inspect shows the top of the file: a token list for a huge file helps nobody. */
const DEFAULT_LINES = 200;
const LINE_BREAK = /\r\n|\r|\n/g;

let shippedTokenizer: Promise<CodeTokenizer> | undefined;

async function readTextFile(file: string): Promise<string> {
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

function checkRange(lines: [number, number] | undefined, lineCount: number, file: string): [number, number] {
  if (!lines) return [1, Math.min(lineCount, DEFAULT_LINES)];
  const [start, end] = lines;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 1 || end < start || start > lineCount) {
    throw new LongLensError(`Bad line range ${start}-${end} for ${file}: it has ${lineCount} line(s).`, "BAD_RANGE");
  }
  return [start, Math.min(end, lineCount)];
}

/** The tokens of lines [start, end] (1-based, inclusive; end is clamped to the last line) of a text file. */
export async function inspectFile(file: string, options: { lines?: [number, number] } = {}): Promise<InspectResult> {
  const text = await readTextFile(file);
  const starts = lineStarts(text);
  const [startLine, endLine] = checkRange(options.lines, starts.length, file);
  const slice = text.slice(starts[startLine - 1], endLine < starts.length ? starts[endLine] : text.length);
  shippedTokenizer ??= CodeTokenizer.load();
  const tokenizer = await shippedTokenizer;
  const sliceStarts = lineStarts(slice);
  let line = 0;
  const tokens = tokenizer.encodeWithOffsets(slice).map(({ id, start, end }) => {
    while (line + 1 < sliceStarts.length && sliceStarts[line + 1]! <= start) line++;
    return { id, text: slice.slice(start, end), line: startLine + line };
  });
  return {
    file,
    startLine,
    endLine,
    tokens,
    tokenizer: `models/${TOKENIZER_FILE} (byte-level BPE, ${tokenizer.vocabSize})`,
    analyses: ["tokens"],
  };
}
