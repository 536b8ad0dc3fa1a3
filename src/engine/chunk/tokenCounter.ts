import { existsSync } from "node:fs";
import path from "node:path";
import { shippedModelsDir } from "../model/modelFiles";
import { CodeTokenizer, TOKENIZER_FILE } from "../model/tokenizer";

/** Counts model tokens in a chunk's text, and says how. */
export interface TokenCounter {
  name: string;
  count(text: string): number;
}

/** Identifiers, numbers and single punctuation marks: close to what a code BPE produces per token. */
const APPROXIMATE_TOKEN = /[\p{L}_$][\p{L}\p{N}_$]*|\p{N}+|[^\s\p{L}\p{N}_$]/gu;

export const approximateTokenCounter: TokenCounter = {
  name: "approx: identifier/punctuation split",
  count: (text) => text.match(APPROXIMATE_TOKEN)?.length ?? 0,
};

/**
 * The shipped model's tokenizer when models/tokenizer.json is present, else the approximation.
 * Never fails: token counts are informative, not essential to an index.
 */
export async function loadTokenCounter(): Promise<TokenCounter> {
  try {
    const modelsDir = shippedModelsDir();
    if (!existsSync(path.join(modelsDir, TOKENIZER_FILE))) return approximateTokenCounter;
    const tokenizer = await CodeTokenizer.load(modelsDir);
    return { name: `models/${TOKENIZER_FILE}`, count: (text) => tokenizer.count(text) };
  } catch {
    return approximateTokenCounter;
  }
}
