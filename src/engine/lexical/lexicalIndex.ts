import MiniSearch, { type AsPlainObject, type Options, type SearchResult } from "minisearch";
import type { IndexedChunk } from "../chunk/indexedChunk";
import { compactPostings } from "./postings";
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

/** Documents added between two moves of long posting lists into compact ones (postings.ts): bounds what Maps hold meanwhile. */
const COMPACT_EVERY = 8192;

export function createLexicalIndex(): LexicalIndex {
  return new MiniSearch(OPTIONS);
}

/** An index from MiniSearch's saved document (lexical/lexicalFile.ts reads it), long posting lists packed. */
export function loadLexicalIndex(saved: AsPlainObject): LexicalIndex {
  const index = MiniSearch.loadJS(saved, OPTIONS);
  compactPostings(index, true);
  return index;
}

export function addChunks(index: LexicalIndex, chunks: readonly IndexedChunk[]): void {
  const before = index.documentCount;
  index.addAll(chunks.map((chunk) => ({ id: chunk.id, text: chunk.text, path: chunk.file, symbols: chunk.symbols.join(" ") })));
  if (Math.floor(index.documentCount / COMPACT_EVERY) > Math.floor(before / COMPACT_EVERY)) compactPostings(index, false);
}

/** Drops chunks from the index (by id) and cleans up before the index is saved. */
export function removeChunks(index: LexicalIndex, ids: readonly string[]): void {
  for (const id of ids) if (index.has(id)) index.discard(id);
}

/** Removes discarded chunks' postings and packs every long posting list tight: the index as it is saved and kept. */
export async function compactLexicalIndex(index: LexicalIndex): Promise<void> {
  if (index.dirtCount > 0) await index.vacuum({ batchSize: 10_000, batchWait: 0 });
  compactPostings(index, true);
}

export function searchLexical(index: LexicalIndex, question: string, top: number): SearchResult[] {
  return index.search(question, { boost: FIELD_BOOST, combineWith: "OR" }).slice(0, top);
}
