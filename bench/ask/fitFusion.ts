// Fusion weights for `ask`, chosen on the fit split only: a grid over each static ranking's weight (BM25's is 1)
// and the rank damping, scored by the mean over question sets of MRR@5, then recall@5.
import { fuseRankings } from "../../src/engine/semantic/fuse";
import { goldRank, scores } from "./metrics";
import type { Question } from "./questionSets";

type Signal = "lexical" | "enriched" | "head";

export interface FitInput {
  questions: readonly Question[];
  lists: Record<Signal, { ids: string[][] }>;
}

export interface Fitted {
  damping: number;
  weights: Record<Signal, number>;
  fitMrr5: number;
}

const WEIGHTS = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3];
const DAMPINGS = [1, 5, 10, 20, 40, 60];

export function fitFusion(inputs: readonly FitInput[]): Fitted {
  let best: Fitted & { r5: number } = { damping: 60, weights: { lexical: 1, enriched: 0, head: 0 }, fitMrr5: -1, r5: -1 };
  for (const damping of DAMPINGS) {
    for (const enriched of WEIGHTS) {
      for (const head of WEIGHTS) {
        const weights = { lexical: 1, enriched, head };
        let mrr = 0;
        let r5 = 0;
        for (const { questions, lists } of inputs) {
          const ranks = questions.flatMap((question, i) => {
            if (question.split !== "fit") return [];
            const rankings = (Object.keys(weights) as Signal[]).map((name) => ({ source: "semantic" as const, ids: lists[name].ids[i]!, weight: weights[name] }));
            return [goldRank(question, fuseRankings(rankings, 5, damping).map((f) => f.id))];
          });
          const s = scores(ranks);
          mrr += s.mrr5 / inputs.length;
          r5 += s.r5 / inputs.length;
        }
        if (mrr > best.fitMrr5 + 1e-9 || (Math.abs(mrr - best.fitMrr5) <= 1e-9 && r5 > best.r5)) best = { damping, weights, fitMrr5: mrr, r5 };
      }
    }
  }
  const { r5: _r5, ...fitted } = best;
  return { ...fitted, fitMrr5: Number(fitted.fitMrr5.toFixed(4)) };
}
