// The tokens of a file that attention re-reads for a candidate: LOCATE_WINDOW tokens centred on the
// candidate's line (evaluate.py answer_at), moved inward at the file's ends.
import type { CodeTokenizer } from "../model/tokenizer";
import type { SourceText } from "./sourceText";

/** The training length: the window the card measured "attention answers where the memory points" with. */
export const LOCATE_WINDOW = 256;
/** Characters read on each side of the centre before tokenising: far more than half a window of any code. */
const SPAN_CHARS = 8_000;

export interface SourceWindow {
  file: string;
  /** UTF-16 offsets [from, to) of the window in the file's text. */
  from: number;
  to: number;
  ids: number[];
}

/** The window centred on the start of `line`, or with `place` "end", the `size` tokens before it. */
export function sourceWindow(source: SourceText, file: string, line: number, tokenizer: CodeTokenizer, size = LOCATE_WINDOW, place: "centre" | "end" = "centre"): SourceWindow | undefined {
  const centre = place === "end" && line > source.lineCount ? source.text.length : source.lineStart(line);
  const sliceFrom = Math.max(0, centre - SPAN_CHARS);
  const spans = tokenizer.encodeWithOffsets(source.text.slice(sliceFrom, Math.min(source.text.length, centre + SPAN_CHARS)));
  if (spans.length === 0) return undefined;
  let at = spans.findIndex((s) => s.start >= centre - sliceFrom);
  if (at < 0) at = place === "end" ? spans.length : spans.length - 1;
  const hi = place === "end" ? Math.max(1, at) : Math.min(spans.length, Math.max(0, at - size / 2) + size);
  const lo = Math.max(0, hi - size);
  return { file, from: sliceFrom + spans[lo]!.start, to: sliceFrom + spans[hi - 1]!.end, ids: spans.slice(lo, hi).map((s) => s.id) };
}
