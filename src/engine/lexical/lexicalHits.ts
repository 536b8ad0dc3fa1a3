import type { SearchResult } from "minisearch";
import { chunkId, chunkLocation } from "../chunk/indexedChunk";
import { readBlob } from "../store/blobs";
import type { CatalogFile } from "../store/catalog";
import type { StoreLayout } from "../store/storeLayout";
import type { Hit } from "../types";
import { type LexicalIndex, searchLexical } from "./lexicalIndex";
import { bestLine, snippetAround } from "./snippet";

/** A hit and the line in its file that matched best (what a needle question points at). */
export interface RankedHit {
  hit: Hit;
  bestLine: number;
}

/** Chunk texts of the wanted ids of one file, read from its blob; missing ones are simply absent. */
async function chunkTexts(layout: StoreLayout, file: CatalogFile, ids: ReadonlySet<string>): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  try {
    for await (const chunk of readBlob(layout, file)) {
      const id = chunkId(file.path, chunk.startLine, chunk.endLine, chunk.hash);
      if (ids.has(id)) texts.set(id, chunk.text);
      if (texts.size === ids.size) break;
    }
  } catch {
    // A blob removed or damaged since the index was written costs the snippet, not the hit.
  }
  return texts;
}

function rankedHit(result: SearchResult, text: string | undefined): RankedHit {
  const location = chunkLocation(result.id as string);
  if (text === undefined) {
    const hit: Hit = { ...location, score: result.score, snippet: "", sources: ["lexical"] };
    return { hit, bestLine: location.startLine };
  }
  const best = bestLine(text, result.terms);
  const snippet = snippetAround(text, best);
  const startLine = location.startLine + snippet.first;
  const hit: Hit = {
    file: location.file,
    startLine,
    endLine: startLine + snippet.text.split("\n").length - 1,
    score: result.score,
    snippet: snippet.text,
    sources: ["lexical"],
  };
  return { hit, bestLine: location.startLine + best };
}

/** The `top` best chunks for a question, best first, each trimmed to a snippet around its best-matching line. */
export async function lexicalHits(
  layout: StoreLayout,
  lexical: LexicalIndex,
  files: ReadonlyMap<string, CatalogFile>,
  question: string,
  top: number,
): Promise<RankedHit[]> {
  const results = searchLexical(lexical, question, top);
  const idsByFile = new Map<string, Set<string>>();
  for (const result of results) {
    const { file } = chunkLocation(result.id as string);
    idsByFile.set(file, (idsByFile.get(file) ?? new Set()).add(result.id as string));
  }
  const texts = new Map<string, string>();
  for (const [path, ids] of idsByFile) {
    const file = files.get(path);
    if (file) for (const [id, text] of await chunkTexts(layout, file, ids)) texts.set(id, text);
  }
  return results.map((result) => rankedHit(result, texts.get(result.id as string)));
}
