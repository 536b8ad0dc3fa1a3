import type { CatalogFile } from "../store/catalog";
import type { StoreLayout } from "../store/storeLayout";
import { ASK_SIGNALS, SIGNAL_CANDIDATES } from "./askSignals";
import type { SignalRanking } from "./fuse";
import { type SemanticChunk, SemanticIndex, enrichedText } from "./semanticIndex";
import { StaticModel } from "./staticModel";
import { storeChunks } from "./storeChunks";

/** Lines of a chunk's head: its signature and doc comment, where what it does is said. */
const HEAD_LINES = 8;

/** A chunk's path, names, doc comment and first lines: a ranking that a long body cannot dilute. */
export function chunkHead(chunk: SemanticChunk): string {
  return `${chunk.file} ${chunk.symbols.join(" ")}\n${chunk.lead ?? ""}\n${chunk.text.split("\n").slice(0, HEAD_LINES).join("\n")}`;
}

interface Built {
  enriched: SemanticIndex;
  head: SemanticIndex;
}

/**
 * The semantic signal of `ask`: static embeddings distilled from all-MiniLM-L6-v2 (models/semantic/). Its vectors
 * are built from the store's chunks on the first question after each index generation and kept in memory.
 */
export class SemanticSignal {
  private model: Promise<StaticModel> | undefined;
  private built: Promise<Built> | undefined;
  private builtFor: string | undefined;

  /** The semantic rankings of a question over the store's current generation. */
  async rankings(layout: StoreLayout, generation: string, files: Iterable<CatalogFile>, question: string): Promise<SignalRanking[]> {
    if (this.builtFor !== generation || !this.built) {
      this.builtFor = generation;
      this.built = this.build(layout, files);
      this.built.catch(() => {
        this.builtFor = undefined; // a failed build is retried by the next question
      });
    }
    const { enriched, head } = await this.built;
    const { weights } = ASK_SIGNALS;
    return [
      { source: "semantic", weight: weights.enriched, ids: enriched.search(question, SIGNAL_CANDIDATES).map((r) => r.id) },
      { source: "semantic", weight: weights.head, ids: head.search(question, SIGNAL_CANDIDATES).map((r) => r.id) },
    ];
  }

  /** Drops the vectors (they are rebuilt by the next question). */
  clear(): void {
    this.built = undefined;
    this.builtFor = undefined;
  }

  private async build(layout: StoreLayout, files: Iterable<CatalogFile>): Promise<Built> {
    this.model ??= StaticModel.load();
    this.model.catch(() => {
      this.model = undefined;
    });
    const [model, chunks] = await Promise.all([this.model, storeChunks(layout, files)]);
    return { enriched: SemanticIndex.build(model, chunks, enrichedText), head: SemanticIndex.build(model, chunks, chunkHead) };
  }
}
