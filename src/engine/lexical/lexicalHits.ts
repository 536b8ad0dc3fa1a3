import { chunkId, chunkLocation } from "../chunk/indexedChunk";
import { readBlob } from "../store/blobs";
import type { CatalogFile } from "../store/catalog";
import type { StoreLayout } from "../store/storeLayout";
import type { Hit, HitSource } from "../types";
import { bestLine, snippetAround } from "./snippet";

/** A hit and the line in its file that matched best (what a needle question points at). */
export interface RankedHit {
  hit: Hit;
  bestLine: number;
}

/** A ranked chunk before its text is read: the signals that found it and the terms that pick its best line. */
export interface ChunkScore {
  id: string;
  score: number;
  sources: HitSource[];
  terms: readonly string[];
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

function rankedHit(entry: ChunkScore, text: string | undefined): RankedHit {
  const location = chunkLocation(entry.id);
  const { score, sources } = entry;
  if (text === undefined) return { hit: { ...location, score, snippet: "", sources }, bestLine: location.startLine };
  const best = bestLine(text, entry.terms);
  const snippet = snippetAround(text, best);
  const startLine = location.startLine + snippet.first;
  const hit: Hit = { file: location.file, startLine, endLine: startLine + snippet.text.split("\n").length - 1, score, snippet: snippet.text, sources };
  return { hit, bestLine: location.startLine + best };
}

/** Hits for ranked chunks, in their order, each trimmed to a snippet around its best-matching line. */
export async function chunkHits(layout: StoreLayout, files: ReadonlyMap<string, CatalogFile>, ranked: readonly ChunkScore[]): Promise<RankedHit[]> {
  const idsByFile = new Map<string, Set<string>>();
  for (const { id } of ranked) {
    const { file } = chunkLocation(id);
    idsByFile.set(file, (idsByFile.get(file) ?? new Set()).add(id));
  }
  const texts = new Map<string, string>();
  for (const [path, ids] of idsByFile) {
    const file = files.get(path);
    if (file) for (const [id, text] of await chunkTexts(layout, file, ids)) texts.set(id, text);
  }
  return ranked.map((entry) => rankedHit(entry, texts.get(entry.id)));
}
