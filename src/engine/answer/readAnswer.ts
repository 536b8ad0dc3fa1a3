// Attention answers from a window: the model in attention mode (DroPE + REPO, the fitted temperature and the
// local heads baked into the graphs) reads the window and then the question, and writes the answer greedily
// to the end of the line (evaluate.py answer_at).
import { AttentionModeReader, betaFor } from "../model/attentionModeReader";
import { decodeLine } from "../model/greedyDecode";
import type { ModelService } from "../model/modelService";

export interface ModelAnswer {
  text: string;
  /** Mean natural-log probability of the decoded tokens (the line break that ends it included). */
  meanLogProb: number;
  /** The least sure token's log-probability: one guessed digit in a copied value shows here, not in the mean. */
  minLogProb: number;
}

/** `stop` as decodeLine takes it. */
export async function readAnswer(model: ModelService, window: readonly number[], prompt: readonly number[], stop?: (text: string) => boolean): Promise<ModelAnswer> {
  const { graphs } = model;
  const m = graphs.config.model;
  const beta = betaFor(graphs.config.variants[graphs.variant]!.beta_c, m.block_size, window.length + prompt.length);
  const reader = new AttentionModeReader(graphs, beta);
  const decoded = await decodeLine(reader, await reader.feed([...window, ...prompt]), (ids) => model.tokenizer.decode(ids), stop);
  const meanLogProb = decoded.logProbs.reduce((a, b) => a + b, 0) / Math.max(1, decoded.logProbs.length);
  return { text: decoded.text, meanLogProb, minLogProb: Math.min(0, ...decoded.logProbs) };
}
