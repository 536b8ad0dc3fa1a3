import { SMALL_SEGMENT_LINES } from "./chunkSize";
import type { LineMeasure, Segment } from "./segment";

const lineCount = (segment: Segment): number => segment.end - segment.start + 1;

function merged(first: Segment, second: Segment): Segment {
  const kind = lineCount(first) >= lineCount(second) ? first.kind : second.kind;
  return { start: first.start, end: second.end, kind, symbols: [...first.symbols, ...second.symbols] };
}

/** Kinds that describe what follows them: doc comments, attributes (`#[test]`), decorators, annotations. */
const LEADING_KIND = /comment|attribute|decorator|annotation/;

/** A comment or attribute directly above a declaration belongs to the declaration's chunk. */
function attachComments(segments: readonly Segment[], measure: LineMeasure): Segment[] {
  const result: Segment[] = [];
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    const next = result[result.length - 1];
    const attaches = LEADING_KIND.test(segment.kind) && next && next.start === segment.end + 1 && measure.fits(segment.start, next.end);
    if (attaches) result[result.length - 1] = { ...next, start: segment.start, symbols: [...segment.symbols, ...next.symbols] };
    else result.push(segment);
  }
  return result.reverse();
}

/**
 * Final chunk boundaries: comments joined to what they document, then small neighbours (imports, constants,
 * one-line functions) packed together up to the target size, and small unnamed leftovers (closing braces,
 * stray statements) joined to what precedes them. Named units of a useful size keep their exact lines.
 */
export function packSegments(segments: readonly Segment[], measure: LineMeasure): Segment[] {
  const packed: Segment[] = [];
  for (const segment of attachComments(segments, measure)) {
    const last = packed[packed.length - 1];
    const small = (s: Segment): boolean => lineCount(s) < SMALL_SEGMENT_LINES;
    const joins = last && small(segment) && (small(last) || segment.symbols.length === 0);
    if (joins && measure.fits(last.start, segment.end)) {
      packed[packed.length - 1] = merged(last, segment);
    } else {
      packed.push(segment);
    }
  }
  return packed;
}
