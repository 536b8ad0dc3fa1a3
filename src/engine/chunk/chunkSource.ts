import { type SourceText, type TextBytes, decodeSource } from "../reader/readSource";
import { TARGET_CHARS } from "./chunkSize";
import { type StoredChunk, storedChunk } from "./indexedChunk";
import { pieceChunk, pieceEnd, repeatFilter } from "./linePieces";
import { packSegments } from "./packSegments";
import { LineMeasure, type Segment } from "./segment";
import { syntaxSegments } from "./syntaxSegments";
import { parserFor } from "./treeSitter";

async function syntaxBoundaries(grammar: string, source: SourceText, measure: LineMeasure): Promise<Segment[] | undefined> {
  try {
    const tree = (await parserFor(grammar)).parse(source.text);
    if (!tree) return undefined;
    try {
      return packSegments(syntaxSegments(tree.rootNode, measure), measure);
    } finally {
      tree.delete(); // the tree lives in wasm memory, which no garbage collector frees
    }
  } catch {
    // A grammar that fails to load or parse costs the file its syntax boundaries, not its chunks.
    return undefined;
  }
}

/** Minified or generated code has lines this long on average; its syntax boundaries fall inside lines anyway. */
const MINIFIED_LINE_CHARS = 300;
/** The comment a compiler or bundler ends its output with (`//# sourceMappingURL=...`, or in CSS `/*# ...`). */
const SOURCE_MAP_COMMENT = /^\s*\/[/*][#@] sourceMappingURL=/;

/**
 * Whether parsing `lines` would not pay: minified code, or the output of a compiler or bundler, whose source
 * lies elsewhere. On the benchmark tree one parseable byte in eight is such output, and parsing takes about
 * half of chunking's CPU time; the file still gets line-window chunks.
 */
function notWorthParsing(text: string, lines: readonly string[]): boolean {
  if (text.length / lines.length > MINIFIED_LINE_CHARS) return true;
  for (let row = lines.length - 1; row >= 0 && row >= lines.length - 3; row--) {
    if (SOURCE_MAP_COMMENT.test(lines[row]!)) return true;
  }
  return false;
}

/** A line longer than a chunk (segments keep such a line on its own) in pieces of about a chunk each. */
function linePieces(source: SourceText, row: number): StoredChunk[] {
  const pieces: StoredChunk[] = [];
  const end = source.lineStarts[row + 1]!;
  for (let at = source.lineStarts[row]!; at < end; ) {
    const cut = pieceEnd(source.raw, at, end, source.encoding);
    const piece = pieceChunk(row + 1, at, source.raw.subarray(at, cut), source.encoding, undefined);
    if (piece.text.trim()) pieces.push(piece);
    at = cut;
  }
  return pieces;
}

function segmentChunks(source: SourceText, segment: Segment): StoredChunk[] {
  if (segment.start === segment.end && source.lines[segment.start]!.length > TARGET_CHARS) return linePieces(source, segment.start);
  const chunk = storedChunk(
    { start: segment.start + 1, end: segment.end + 1 },
    { start: source.lineStarts[segment.start]!, end: source.lineStarts[segment.end + 1]! },
    segment.kind,
    source.lines.slice(segment.start, segment.end + 1).join("\n"),
    segment.symbols,
  );
  return [chunk];
}

/**
 * Chunks of a file held in memory: syntax boundaries when `grammar` is given and the code parses and is worth
 * parsing (see notWorthParsing), else line windows; a line longer than a chunk is cut into several.
 */
export async function chunkSource(source: SourceText, grammar: string | undefined): Promise<StoredChunk[]> {
  const measure = new LineMeasure(source.lines);
  if (source.lines.length === 0) return [];
  const parse = grammar !== undefined && !notWorthParsing(source.text, source.lines);
  const segments = (parse ? await syntaxBoundaries(grammar, source, measure) : undefined) ?? measure.windows(0, source.lines.length - 1, "lines");
  return segments.flatMap((segment) => segmentChunks(source, segment)).filter(repeatFilter());
}

/** Decodes and chunks a whole file's bytes on the calling thread (a chunk worker, or the fallback without one). */
export function chunkInThisThread(bytes: TextBytes, grammar: string | undefined): Promise<StoredChunk[]> {
  return chunkSource(decodeSource(bytes), grammar);
}
