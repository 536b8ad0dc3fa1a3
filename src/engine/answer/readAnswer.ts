// Attention answers from a window: the model in attention mode (DroPE + REPO, the fitted temperature and the
// local heads baked into the graphs) reads the window and then the question once; from there it writes the
// answer greedily to the end of the line (evaluate.py answer_at), or is asked how likely a given answer is.
import { AttentionModeReader, betaFor } from "../model/attentionModeReader";
import { decodeLine, tokenLogProb } from "../model/greedyDecode";
import type { ModelService } from "../model/modelService";

export interface AnswerScore {
  /** Mean natural-log probability of the answer's tokens. */
  meanLogProb: number;
  /** The least sure token's log-probability: one guessed digit in a copied value shows here, not in the mean. */
  minLogProb: number;
}

export interface ModelAnswer extends AnswerScore {
  /** The decoded line (its line break, which ends it, is counted in the log-probabilities). */
  text: string;
}

/** The model's state after the window and the question: each answer goes on from it without reading them again. */
export interface PromptRead {
  model: ModelService;
  reader: AttentionModeReader;
  logits: Float32Array;
}

const scoreOf = (logProbs: readonly number[]): AnswerScore => ({
  meanLogProb: logProbs.reduce((a, b) => a + b, 0) / Math.max(1, logProbs.length),
  minLogProb: Math.min(0, ...logProbs),
});

export async function readPrompt(model: ModelService, window: readonly number[], prompt: readonly number[]): Promise<PromptRead> {
  const { graphs } = model;
  const beta = betaFor(graphs.config.variants[graphs.variant]!.beta_c, graphs.config.model.block_size, window.length + prompt.length);
  const reader = new AttentionModeReader(graphs, beta);
  return { model, reader, logits: await reader.feed([...window, ...prompt]) };
}

/** The greedy answer line; `stop` as decodeLine takes it. */
export async function decodeAnswer(read: PromptRead, stop?: (text: string) => boolean): Promise<ModelAnswer> {
  const decoded = await decodeLine(read.reader.fork(), read.logits, (ids) => read.model.tokenizer.decode(ids), stop);
  return { text: decoded.text, ...scoreOf(decoded.logProbs) };
}

/** How likely the model finds `answer` (e.g. " 4817263") as the continuation: its tokens' log-probabilities, forced. */
export async function scoreAnswer(read: PromptRead, answer: string): Promise<AnswerScore> {
  const ids = read.model.tokenizer.encode(answer);
  const logProbs = [tokenLogProb(read.logits, ids[0]!)];
  if (ids.length > 1) {
    const V = read.model.graphs.config.model.vocab_size;
    const logits = (await read.reader.fork().run(ids.slice(0, -1))).logits!.data as Float32Array;
    for (let i = 1; i < ids.length; i++) logProbs.push(tokenLogProb(logits.subarray((i - 1) * V, i * V), ids[i]!));
  }
  return scoreOf(logProbs);
}
