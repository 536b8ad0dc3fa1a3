// The short list of places attention re-reads for a needle question: where the memory's slot reads point, the
// best lexical lines, and lower lexical hits with a line that gives the key a value; as windows of source, a place
// whose line an earlier window holds read with it.
import type { RankedHit } from "../lexical/lexicalHits";
import type { CodeTokenizer } from "../model/tokenizer";
import type { HitSource, MemoryHit } from "../types";
import { keyValues } from "./keyValues";
import type { SourceText } from "./sourceText";
import { type SourceWindow, sourceWindow } from "./sourceWindow";

export const MEMORY_CANDIDATES = 4;
export const LEXICAL_CANDIDATES = 4;
/**
 * Lexical hits past the first LEXICAL_CANDIDATES that are read too, when one of their lines gives the key a value:
 * a config file's `"maxRetries": 5` ranks below the code that uses the name (samples/taskboard).
 */
export const KEY_VALUE_CANDIDATES = 4;

export interface Candidate {
  window: SourceWindow;
  line: number;
  sources: HitSource[];
  votes: number;
  /** The place's memory votes over the best place's (0 when the memory did not propose it). */
  memoryShare: number;
}

interface Place {
  file: string;
  line: number;
  source: HitSource;
  votes: number;
}

/** Whether `window` already holds the whole of `line` of `file`: then that place is read with it. */
function holds(window: SourceWindow, file: string, line: number, source: SourceText): boolean {
  return window.file === file && window.from <= source.lineStart(line) && source.lineStart(line) + source.lines(line, line).trimEnd().length <= window.to;
}

export async function needleCandidates(
  memory: readonly MemoryHit[],
  lexical: readonly RankedHit[],
  readSource: (file: string) => Promise<SourceText | undefined>,
  tokenizer: CodeTokenizer,
  terms: readonly string[],
): Promise<Candidate[]> {
  const places: Place[] = [
    ...memory.slice(0, MEMORY_CANDIDATES).map((m) => ({ file: m.file, line: m.line, source: "memory" as const, votes: m.votes })),
    ...lexical.slice(0, LEXICAL_CANDIDATES).map((l) => ({ file: l.hit.file, line: l.bestLine, source: "lexical" as const, votes: 0 })),
    ...(await keyValuePlaces(lexical.slice(LEXICAL_CANDIDATES), readSource, terms)).slice(0, KEY_VALUE_CANDIDATES),
  ];
  const bestVotes = memory[0]?.votes ?? 0;
  const candidates: Candidate[] = [];
  for (const place of places) {
    const source = await readSource(place.file);
    if (!source) continue;
    const same = candidates.find((c) => holds(c.window, place.file, place.line, source));
    if (same) {
      if (!same.sources.includes(place.source)) same.sources.push(place.source);
      same.votes = Math.max(same.votes, place.votes);
      same.memoryShare = bestVotes > 0 ? same.votes / bestVotes : 0;
      continue;
    }
    const window = sourceWindow(source, place.file, place.line, tokenizer);
    if (!window) continue;
    candidates.push({ window, line: place.line, sources: [place.source], votes: place.votes, memoryShare: bestVotes > 0 ? place.votes / bestVotes : 0 });
  }
  return candidates;
}

/** The hits that hold a line giving the key a value, at that line. */
async function keyValuePlaces(hits: readonly RankedHit[], readSource: (file: string) => Promise<SourceText | undefined>, terms: readonly string[]): Promise<Place[]> {
  const places: Place[] = [];
  for (const { hit } of hits) {
    const source = await readSource(hit.file);
    if (!source) continue;
    const lines = { file: hit.file, from: source.lineStart(hit.startLine), to: source.lineStart(hit.endLine) + source.lines(hit.endLine, hit.endLine).trimEnd().length, ids: [] };
    const found = keyValues(source, lines, terms)[0];
    if (found) places.push({ file: hit.file, line: found.line, source: "lexical", votes: 0 });
  }
  return places;
}
