import { withFile } from "../chunk/indexedChunk";
import { readBlob } from "../store/blobs";
import type { CatalogFile } from "../store/catalog";
import type { StoreLayout } from "../store/storeLayout";
import type { SemanticChunk } from "./semanticIndex";

/** A line that is only (part of) a comment: //, /* ... *\/, a JSDoc line, #. */
const COMMENT_LINE = /^\s*(\/\/|\/\*|\*|#)/;

/** A chunk that is only a comment and names nothing: a doc comment the chunker cut off from what it documents. */
function isDocComment(chunk: SemanticChunk): boolean {
  return chunk.symbols.length === 0 && chunk.text.split("\n").every((line) => line.trim() === "" || COMMENT_LINE.test(line));
}

/**
 * Every chunk of the store's files, read from their blobs in file order; a chunk right after a doc comment that
 * the chunker kept apart gets it as its `lead`. A damaged blob costs its file's chunks, not the rest.
 */
export async function storeChunks(layout: StoreLayout, files: Iterable<CatalogFile>): Promise<SemanticChunk[]> {
  const chunks: SemanticChunk[] = [];
  for (const file of files) {
    const wanted = new Set(file.chunkIds);
    let left = wanted.size;
    let previous: (SemanticChunk & { endLine: number }) | undefined;
    try {
      for await (const stored of readBlob(layout, file)) {
        const chunk = withFile(file.path, stored);
        if (!wanted.has(chunk.id)) continue;
        const entry: SemanticChunk = { id: chunk.id, file: chunk.file, symbols: chunk.symbols, text: chunk.text };
        if (previous && previous.endLine + 2 >= chunk.startLine && isDocComment(previous)) entry.lead = previous.text;
        chunks.push(entry);
        previous = { ...entry, endLine: chunk.endLine };
        if (--left === 0) break; // a file only partly covered (semanticSignal.ts) is not read to its end
      }
    } catch {
      // The lexical signal still ranks this file; the next index run rebuilds its blob.
    }
  }
  return chunks;
}
