import { type RankedHit, chunkHits } from "../lexical/lexicalHits";
import { type LexicalIndex, searchLexical } from "../lexical/lexicalIndex";
import { searchTerms } from "../lexical/terms";
import type { CatalogFile } from "../store/catalog";
import type { StoreLayout } from "../store/storeLayout";
import { ASK_SIGNALS, SIGNAL_CANDIDATES } from "./askSignals";
import { type SignalRanking, fuseRankings } from "./fuse";
import type { SemanticSignal } from "./semanticSignal";

export interface RankInput {
  layout: StoreLayout;
  generation: string;
  lexical: LexicalIndex;
  files: ReadonlyMap<string, CatalogFile>;
}

/**
 * The `top` chunks for a question: every signal ranks its candidates and one fusion orders them; each hit lists
 * the signals that found it. Without `semantic`, the lexical ranking alone (what needle reads).
 */
export async function rankChunks(input: RankInput, question: string, top: number, semantic?: SemanticSignal): Promise<RankedHit[]> {
  const { layout, files } = input;
  const lexical = searchLexical(input.lexical, question, semantic ? SIGNAL_CANDIDATES : top);
  const rankings: SignalRanking[] = [
    { source: "lexical", weight: ASK_SIGNALS.weights.lexical, ids: lexical.map((result) => result.id as string) },
    ...(semantic ? await semantic.rankings(layout, input.generation, files.values(), question) : []),
    // The memory's votes join here, as one more ranking with source "memory".
  ];
  const matched = new Map(lexical.map((result) => [result.id as string, result.terms]));
  const questionTerms = searchTerms(question);
  const fused = semantic ? fuseRankings(rankings, top, ASK_SIGNALS.damping) : lexical.map((r) => ({ id: r.id as string, score: r.score, sources: ["lexical" as const] }));
  return chunkHits(layout, files, fused.map((entry) => ({ ...entry, terms: matched.get(entry.id) ?? questionTerms })));
}
