import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { LongLensError } from "../errors";
import { shippedModelsDir } from "./modelFiles";

export const TOKENIZER_FILE = "tokenizer.json";

/** The end-of-text token: it follows every file in training (models/training/prepare.py) and ends a decode. */
export const END_OF_TEXT = 0;

/** One token and the UTF-16 span [start, end) of the text it covers. */
export interface TokenSpan {
  id: number;
  start: number;
  end: number;
}

interface TokenizerJson {
  model?: { type?: string; vocab?: Record<string, number> };
  pre_tokenizer?: { type?: string } | null;
  added_tokens?: { id: number; content: string }[];
}

function parseTokenizerJson(text: string, path: string): TokenizerJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LongLensError(`${path} is not valid JSON; reinstall LongLens or retrain the tokenizer.`, "TOKENIZER_MALFORMED");
  }
  const config = json as TokenizerJson;
  if (typeof config !== "object" || config === null || config.model?.type !== "BPE" || typeof config.model.vocab !== "object"
    || config.pre_tokenizer?.type !== "ByteLevel") {
    throw new LongLensError(`${path} is not a byte-level BPE tokenizer.json; reinstall LongLens or retrain the tokenizer.`, "TOKENIZER_MALFORMED");
  }
  return config;
}

/** UTF-16 index where each UTF-8 byte offset of `text` falls, rounded up to the next character boundary. */
function byteToCharIndex(text: string): Uint32Array {
  const index = new Uint32Array(Buffer.byteLength(text, "utf8") + 1);
  let byte = 0;
  for (let char = 0; char < text.length; ) {
    const codePoint = text.codePointAt(char)!;
    const bytes = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    const units = codePoint > 0xffff ? 2 : 1;
    index[byte] = char;
    // Bytes inside a multi-byte character belong to it: they map to the character's end.
    for (let inner = 1; inner < bytes; inner++) index[byte + inner] = char + units;
    byte += bytes;
    char += units;
  }
  index[byte] = text.length;
  return index;
}

/** The LongLens byte-level BPE tokenizer (models/tokenizer.json), the same ids as the Python training side. */
export class CodeTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly addedIds: Set<number>,
    readonly vocabSize: number,
  ) {}

  static async load(modelsDir: string = shippedModelsDir()): Promise<CodeTokenizer> {
    const path = join(modelsDir, TOKENIZER_FILE);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      throw new LongLensError(`Tokenizer not found: ${path} is missing or unreadable; reinstall LongLens or run the training pipeline.`, "TOKENIZER_MISSING");
    }
    const json = parseTokenizerJson(text, path);
    let tokenizer: Tokenizer;
    try {
      // The default clean-up would rewrite " ." as "." and so on: code must decode byte for byte.
      tokenizer = new Tokenizer(json, { clean_up_tokenization_spaces: false });
    } catch (error) {
      throw new LongLensError(`${path} could not be loaded as a tokenizer (${(error as Error).message}).`, "TOKENIZER_MALFORMED");
    }
    const addedIds = new Set((json.added_tokens ?? []).map((token) => token.id));
    const ids = [...Object.values(json.model!.vocab!), ...addedIds];
    return new CodeTokenizer(tokenizer, addedIds, Math.max(...ids) + 1);
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: number[]): string {
    return ids.length === 0 ? "" : this.tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  count(text: string): number {
    return this.encode(text).length;
  }

  /**
   * Tokens with the text span each covers. A character split across tokens (byte-level BPE can cut inside a
   * multi-byte character) belongs to the token holding its first byte; later pieces get an empty span. The spans
   * are contiguous and cover the whole text.
   */
  encodeWithOffsets(text: string): TokenSpan[] {
    const { ids, tokens } = this.tokenizer.encode(text, { add_special_tokens: false });
    const charAt = byteToCharIndex(text);
    const spans: TokenSpan[] = [];
    let byte = 0;
    ids.forEach((id, i) => {
      // A byte-level token string has one character per byte; added tokens are stored as their plain text.
      const length = this.addedIds.has(id) ? Buffer.byteLength(tokens[i]!, "utf8") : tokens[i]!.length;
      spans.push({ id, start: charAt[byte]!, end: charAt[byte + length]! });
      byte += length;
    });
    return spans;
  }
}
