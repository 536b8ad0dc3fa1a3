// Greedy decoding to the end of a line (evaluate.py Reader.generate), keeping each chosen token's
// log-probability: how sure the model is of what it wrote is what ranks answers against each other.
import type { AttentionModeReader } from "./attentionModeReader";
import { END_OF_TEXT } from "./tokenizer";

export const MAX_NEW_TOKENS = 48;

export interface Decoded {
  /** The decoded text up to (not including) the first line break. */
  text: string;
  ids: number[];
  /** Natural-log probability of each token in `ids`, as the model gave it. */
  logProbs: number[];
}

/** The log-softmax of `logits` at `id`. */
export function tokenLogProb(logits: Float32Array, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return logits[id]! - max - Math.log(sum);
}

/** Index of the largest logit and its log-softmax. */
function pick(logits: Float32Array): { id: number; logProb: number } {
  let id = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[id]!) id = i;
  return { id, logProb: tokenLogProb(logits, id) };
}

/**
 * Decodes after `logits` (the read's last) until a token completes a line break, end-of-text, `maxNew` tokens,
 * or `stop(text so far)` says the rest cannot matter to the caller (it saves the steps of a hopeless answer).
 */
export async function decodeLine(
  reader: AttentionModeReader,
  logits: Float32Array,
  decode: (ids: number[]) => string,
  stop: (text: string) => boolean = () => false,
  maxNew = MAX_NEW_TOKENS,
): Promise<Decoded> {
  const ids: number[] = [];
  const logProbs: number[] = [];
  for (let next = logits; ids.length < maxNew; ) {
    const { id, logProb } = pick(next);
    ids.push(id);
    logProbs.push(logProb);
    const text = decode(ids);
    if (id === END_OF_TEXT || text.includes("\n") || stop(text)) break;
    next = await reader.feed([id]);
  }
  const shown = ids[ids.length - 1] === END_OF_TEXT ? ids.slice(0, -1) : ids;
  return { text: decode(shown).split("\n")[0]!, ids, logProbs };
}
