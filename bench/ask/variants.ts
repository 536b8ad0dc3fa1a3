// Directions for #14 that cost (next to) nothing more at index time, each a further ranking fused with BM25 and
// the two static rankings and fitted on the fit split (bench/ask.ts lists every one, kept or not; a kept one
// ships, as path and names did): the chunk's path and names alone (semanticSignal.ts chunkNames);
// its doc comments alone; the shipped fusion's top 30 re-scored by their best 4-line window (at question time);
// the question's vector moved toward its 3 nearest chunks (pseudo-relevance feedback).
import { type SignalRanking, fuseRankings } from "../../src/engine/semantic/fuse";
import { type SemanticChunk, SemanticIndex } from "../../src/engine/semantic/semanticIndex";
import { chunkNames } from "../../src/engine/semantic/semanticSignal";
import type { StaticModel } from "../../src/engine/semantic/staticModel";

export const VARIANTS = {
  names: "static, path and names only",
  doc: "static, doc comments only",
  lines: "fused top 30 re-scored by their best 4-line window (question time)",
  feedback: "static enriched, question moved toward its 3 nearest chunks",
} as const;

export type Variant = keyof typeof VARIANTS;

const COMMENT = /^\s*(\/\/|\/\*|\*|#|""")/;
const RESCORED = 30;
const WINDOW_LINES = 4;
const FEEDBACK_CHUNKS = 3;
const FEEDBACK_SHARE = 0.5;

/** Each variant's ranking of every question (ids best first, `candidates` long at most). */
export async function variantRankings(
  model: StaticModel,
  chunks: readonly SemanticChunk[],
  rich: SemanticIndex,
  questions: readonly string[],
  shipped: (i: number) => SignalRanking[],
  candidates: number,
): Promise<Record<Variant, string[][]>> {
  const byId = new Map(chunks.map((chunk) => [chunk.id, chunk]));
  const names = await SemanticIndex.build(model, chunks, chunkNames);
  const doc = await SemanticIndex.build(model, chunks, (c) => `${c.symbols.join(" ")}\n${c.lead ?? ""}\n${c.text.split("\n").filter((l) => COMMENT.test(l)).join("\n")}`);
  const ranked = (scores: Float32Array, ids: readonly string[]): string[] =>
    [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).slice(0, candidates).map((row) => ids[row]!);
  const out: Record<Variant, string[][]> = { names: [], doc: [], lines: [], feedback: [] };
  for (const [i, question] of questions.entries()) {
    out.names.push(names.search(question, candidates).map((r) => r.id));
    out.doc.push(doc.search(question, candidates).map((r) => r.id));
    const q = rich.embedQuestion(question);
    const windows: SemanticChunk[] = [];
    for (const { id } of fuseRankings(shipped(i), RESCORED, 5)) {
      const chunk = byId.get(id)!;
      const lines = chunk.text.split("\n");
      for (let at = 0; at < lines.length; at += WINDOW_LINES / 2) windows.push({ ...chunk, text: lines.slice(at, at + WINDOW_LINES).join("\n") });
    }
    const best = new Map<string, number>();
    if (windows.length > 0) {
      const scores = (await rich.updated(new Set(), windows, (c) => `${c.symbols.join(" ")}\n${c.text}`)).scoresFor(q);
      scores.forEach((score, w) => best.set(windows[w]!.id, Math.max(best.get(windows[w]!.id) ?? -Infinity, score)));
    }
    out.lines.push([...best.keys()].sort((a, b) => best.get(b)! - best.get(a)!));
    const { ids, vectors } = rich.parts;
    const moved = new Float32Array(q);
    for (const { id } of rich.search(question, FEEDBACK_CHUNKS)) {
      const row = ids.indexOf(id);
      for (let d = 0; d < moved.length; d++) moved[d]! += (FEEDBACK_SHARE * vectors[row * moved.length + d]!) / FEEDBACK_CHUNKS;
    }
    out.feedback.push(ranked(rich.scoresFor(moved), ids));
  }
  return out;
}
