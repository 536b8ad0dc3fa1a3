// The values in the model's answer line and where each stands in the candidate's source: an answer counts only
// where its text is in the window the model read (copied, not invented).
import type { SourceText } from "./sourceText";
import type { SourceWindow } from "./sourceWindow";

const TRAILING = /[\s.,;:]+$/;
const QUOTES = /^["'`]+|["'`]+$/g;
const WORD = /[\p{L}\p{N}_$]/u;

/** "4817263." -> ["4817263"]; a plural answer "12, 34 and 56" -> ["12", "34", "56"]. */
export function answerValues(answer: string, plural: boolean): string[] {
  const parts = answer.trim().replace(TRAILING, "").split(/\s*,\s*|\s+and\s+/);
  const values = parts.map((p) => p.replace(TRAILING, "").replace(QUOTES, "").trim()).filter((v) => v !== "");
  return plural ? [...new Set(values)] : values.slice(0, 1);
}

/**
 * Offsets [from, to) of `value` in the window, standing alone (not inside a longer word), at a place `accept`
 * takes (given the offset), nearest the window's middle.
 */
export function valueInWindow(source: SourceText, window: SourceWindow, value: string, accept: (offset: number) => boolean): [number, number] | undefined {
  const text = source.text;
  const middle = (window.from + window.to) / 2;
  let best: number | undefined;
  for (let at = text.indexOf(value, window.from); at >= 0 && at + value.length <= window.to; at = text.indexOf(value, at + 1)) {
    const before = text.charAt(at - 1);
    const after = text.charAt(at + value.length);
    const alone = !(WORD.test(value.charAt(0)) && WORD.test(before)) && !(WORD.test(value.charAt(value.length - 1)) && WORD.test(after));
    if (alone && accept(at) && (best === undefined || Math.abs(at - middle) < Math.abs(best - middle))) best = at;
  }
  return best === undefined ? undefined : [best, best + value.length];
}

/** Whether the value being written (the answer's last part so far) is still a piece of the window's text. */
export function stillCopying(windowText: string, answerSoFar: string): boolean {
  const part = answerSoFar.split(",").pop()!.trim();
  return part === "" || windowText.includes(part);
}
