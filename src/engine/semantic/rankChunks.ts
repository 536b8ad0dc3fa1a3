import { type RankedHit, chunkHits } from "../lexical/lexicalHits";
import { type LexicalIndex, searchLexical } from "../lexical/lexicalIndex";
import { searchTerms } from "../lexical/terms";
import type { CatalogFile } from "../store/catalog";
import type { StoreLayout } from "../store/storeLayout";
import { ASK_SIGNALS, SIGNAL_CANDIDATES } from "./askSignals";
import { type SignalRanking, fuseRankings } from "./fuse";
import type { MemoryRanking } from "./memoryRanking";
import type { SemanticSignal } from "./semanticSignal";

export interface RankInput {
  layout: StoreLayout;
  generation: string;
  lexical: LexicalIndex;
  files: ReadonlyMap<string, CatalogFile>;
  extraFiles: ReadonlyMap<string, string>;
}

/** The signals fused with the lexical ranking (ask); none for the lexical ranking alone (what needle reads). */
export interface FusedSignals {
  semantic?: SemanticSignal;
  memory?: MemoryRanking;
}

/**
 * The `top` chunks for a question: every signal ranks its candidates and one fusion orders them; each hit lists
 * the signals that found it, and the memory's reads where it voted for the hit. The memory joins the fusion only
 * with a weight above 0 (fitted: it has none yet); at 0 it names the hits among its candidates, ordering nothing.
 */
export async function rankChunks(input: RankInput, question: string, top: number, signals: FusedSignals = {}): Promise<RankedHit[]> {
  const { layout, files } = input;
  const { semantic, memory } = signals;
  const fusing = semantic !== undefined || memory !== undefined;
  const memoryIds = memory?.ids.slice(0, SIGNAL_CANDIDATES) ?? [];
  const memoryFound = new Set(memoryIds);
  const lexical = searchLexical(input.lexical, question, fusing ? SIGNAL_CANDIDATES : top);
  const rankings: SignalRanking[] = [
    { source: "lexical", weight: ASK_SIGNALS.weights.lexical, ids: lexical.map((result) => result.id as string) },
    ...(semantic ? await semantic.rankings(layout, { generation: input.generation, files: files.values(), extraFiles: input.extraFiles }, question) : []),
    ...(memory && ASK_SIGNALS.weights.memory > 0 ? [{ source: "memory" as const, weight: ASK_SIGNALS.weights.memory, ids: memoryIds }] : []),
  ];
  const matched = new Map(lexical.map((result) => [result.id as string, result.terms]));
  const questionTerms = searchTerms(question);
  const fused = fusing ? fuseRankings(rankings, top, ASK_SIGNALS.damping) : lexical.map((r) => ({ id: r.id as string, score: r.score, sources: ["lexical" as const] }));
  const hits = await chunkHits(layout, files, fused.map((entry) => ({ ...entry, terms: matched.get(entry.id) ?? questionTerms })));
  return hits.map((ranked, i) => {
    const id = fused[i]!.id;
    const read = memory?.byChunk.get(id);
    if (!read || !memoryFound.has(id)) return ranked;
    const sources = ranked.hit.sources.includes("memory") ? ranked.hit.sources : [...ranked.hit.sources, "memory" as const];
    return { ...ranked, hit: { ...ranked.hit, sources, memory: read } };
  });
}
