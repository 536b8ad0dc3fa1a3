/**
 * Chunk size targets. About 60 lines / 2,400 characters holds one typical function with its comment and fits
 * comfortably in the model's window with the question; the lexical index also ranks better on units this size.
 */
export const TARGET_LINES = 60;
export const TARGET_CHARS = 2400;

/** Syntax units shorter than this are packed with their neighbours instead of standing alone. */
export const SMALL_SEGMENT_LINES = 10;

/** Files above this are chunked by line windows from a read stream, never held in memory whole. */
export const WHOLE_FILE_MAX_BYTES = 1_048_576;

/**
 * Files above this get line windows even when a grammar covers them. The wasm parser manages only about
 * 7 MB/s, and files this large are nearly always generated (bundles, declarations of whole platforms, parser
 * tables), where syntax boundaries help the ranking little. On the benchmark tree they hold 12 of the 67 MB
 * that would otherwise be parsed.
 */
export const PARSE_MAX_BYTES = 262_144;

/** Whether a window of `lines` lines and `chars` characters is full before a line of `nextChars` characters. */
export function windowIsFull(lines: number, chars: number, nextChars: number): boolean {
  return lines >= TARGET_LINES || (lines > 0 && chars + nextChars > TARGET_CHARS);
}
