// Fusion weights for `ask`, chosen on the fit split only: a grid over each fused ranking's weight (BM25's is 1)
// and the rank damping, scored by the mean over question sets of MRR@5, then recall@5. A signal left out of
// `fitted` keeps weight 0 (how the bench measures the fusion with and without the memory).
import { fuseRankings } from "../../src/engine/semantic/fuse";
import { goldRank, scores } from "./metrics";
import type { Question } from "./questionSets";

import type { Variant } from "./variants";

export type Signal = "lexical" | "enriched" | "head" | "memory" | Variant;

export interface FitInput {
  questions: readonly Question[];
  lists: Partial<Record<Signal, { ids: string[][] }>>;
}

export interface Fitted {
  damping: number;
  weights: Partial<Record<Signal, number>>;
  fitMrr5: number;
}

const WEIGHTS = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3];
const DAMPINGS = [1, 5, 10, 20, 40, 60];

/** Every weighting of the fitted signals (the others 0), BM25 fixed at 1. */
function grid(fitted: readonly Signal[]): Partial<Record<Signal, number>>[] {
  let out: Partial<Record<Signal, number>>[] = [{ lexical: 1, enriched: 0, head: 0, memory: 0 }];
  for (const signal of fitted) out = out.flatMap((weights) => WEIGHTS.map((w) => ({ ...weights, [signal]: w })));
  return out;
}

export function fitFusion(inputs: readonly FitInput[], fitted: readonly Signal[]): Fitted {
  let best: Fitted & { r5: number } = { damping: 60, weights: { lexical: 1, enriched: 0, head: 0, memory: 0 }, fitMrr5: -1, r5: -1 };
  for (const damping of DAMPINGS) {
    for (const weights of grid(fitted)) {
      let mrr = 0;
      let r5 = 0;
      for (const { questions, lists } of inputs) {
        const ranks = questions.flatMap((question, i) => {
          if (question.split !== "fit") return [];
          const rankings = (Object.keys(weights) as Signal[]).filter((name) => (weights[name] ?? 0) > 0)
            .map((name) => ({ source: "semantic" as const, ids: lists[name]!.ids[i]!, weight: weights[name]! }));
          return [goldRank(question, fuseRankings(rankings, 5, damping).map((f) => f.id))];
        });
        const s = scores(ranks);
        mrr += s.mrr5 / inputs.length;
        r5 += s.r5 / inputs.length;
      }
      if (mrr > best.fitMrr5 + 1e-9 || (Math.abs(mrr - best.fitMrr5) <= 1e-9 && r5 > best.r5)) best = { damping, weights, fitMrr5: mrr, r5 };
    }
  }
  const { r5: _r5, ...fit } = best;
  return { ...fit, fitMrr5: Number(fit.fitMrr5.toFixed(4)) };
}
