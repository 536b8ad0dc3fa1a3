import MiniSearch, { type Options, type SearchResult } from "minisearch";
import type { IndexedChunk } from "../chunk/indexedChunk";
import { searchTerms } from "./terms";

/** What the lexical index holds per chunk. Only the id is stored; file and lines are read back from it. */
interface LexicalDocument {
  id: string;
  text: string;
  path: string;
  symbols: string;
}

/** Names a chunk defines rank above its body text; its file path counts, but less than what it says. */
const FIELD_BOOST = { symbols: 3, text: 1, path: 0.5 };

const OPTIONS: Options<LexicalDocument> = {
  fields: ["text", "path", "symbols"],
  storeFields: [],
  tokenize: searchTerms,
  // searchTerms already lower-cases and filters.
  processTerm: (term) => term,
  // Discarded ids are vacuumed once, before the index is saved, not in the background.
  autoVacuum: false,
};

export type LexicalIndex = MiniSearch<LexicalDocument>;

export function createLexicalIndex(): LexicalIndex {
  return new MiniSearch(OPTIONS);
}

export function loadLexicalIndex(json: string): LexicalIndex {
  return MiniSearch.loadJSON(json, OPTIONS);
}

export function addChunks(index: LexicalIndex, chunks: readonly IndexedChunk[]): void {
  index.addAll(chunks.map((chunk) => ({ id: chunk.id, text: chunk.text, path: chunk.file, symbols: chunk.symbols.join(" ") })));
}

/** Drops chunks from the index (by id) and cleans up before the index is saved. */
export function removeChunks(index: LexicalIndex, ids: readonly string[]): void {
  for (const id of ids) if (index.has(id)) index.discard(id);
}

export async function compactLexicalIndex(index: LexicalIndex): Promise<void> {
  if (index.dirtCount > 0) await index.vacuum({ batchSize: 10_000, batchWait: 0 });
}

export function searchLexical(index: LexicalIndex, question: string, top: number): SearchResult[] {
  return index.search(question, { boost: FIELD_BOOST, combineWith: "OR" }).slice(0, top);
}
