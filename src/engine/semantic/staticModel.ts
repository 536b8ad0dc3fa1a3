import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { LongLensError } from "../errors";
import { shippedModelsDir } from "../model/modelFiles";

/** What models/training/distill_static.py writes beside the table. */
interface StaticCard {
  vocab: number;
  dims: number;
  sha256: Record<string, string>;
}

export const STATIC_DIR = "semantic";
const FILES = ["vectors.bin", "tokenizer.json"] as const;

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The static token-embedding table distilled from all-MiniLM-L6-v2 (models/semantic/): one int8 row per
 * WordPiece token with a float scale. Files are checked against the sha256 recorded at distillation.
 */
export class StaticModel {
  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly scales: Float32Array,
    private readonly rows: Int8Array,
    readonly vocab: number,
    readonly dims: number,
    /** sha256 of the table: vectors stored at index time are used only with the table that made them. */
    readonly digest: string,
  ) {}

  static async load(modelsDir: string = shippedModelsDir()): Promise<StaticModel> {
    const dir = join(modelsDir, STATIC_DIR);
    const read = async (name: string): Promise<Buffer> => {
      try {
        return await readFile(join(dir, name));
      } catch {
        throw new LongLensError(`The semantic model file ${join(dir, name)} is missing; reinstall LongLens or run models/training/distill_static.py.`, "SEMANTIC_MISSING");
      }
    };
    const card = JSON.parse((await read("semantic.json")).toString("utf8")) as StaticCard;
    const [vectors, tokenizerJson] = await Promise.all(FILES.map(read));
    for (const [name, data] of [["vectors.bin", vectors], ["tokenizer.json", tokenizerJson]] as const) {
      if (sha256Hex(data!) !== card.sha256[name]) {
        throw new LongLensError(`${join(dir, name)} does not match its recorded sha256; reinstall LongLens.`, "SEMANTIC_CORRUPT");
      }
    }
    const { vocab, dims } = card;
    if (vectors!.byteLength !== vocab * 4 + vocab * dims) {
      throw new LongLensError(`${join(dir, "vectors.bin")} has ${vectors!.byteLength} bytes, expected ${vocab} x (4 + ${dims}).`, "SEMANTIC_CORRUPT");
    }
    const bytes = new Uint8Array(vectors!.buffer, vectors!.byteOffset, vectors!.byteLength).slice(); // own, aligned copy
    const scales = new Float32Array(bytes.buffer, 0, vocab);
    const rows = new Int8Array(bytes.buffer, vocab * 4, vocab * dims);
    const tokenizer = new Tokenizer(JSON.parse(tokenizerJson!.toString("utf8")), {});
    return new StaticModel(tokenizer, scales, rows, vocab, dims, card.sha256["vectors.bin"]!);
  }

  /** WordPiece ids of plain words (no [CLS]/[SEP]); [UNK] pieces are dropped, they carry nothing. */
  tokenIds(words: string): number[] {
    if (words === "") return [];
    const { ids, tokens } = this.tokenizer.encode(words, { add_special_tokens: false });
    return ids.filter((_, i) => tokens[i] !== "[UNK]");
  }

  /** Whether any of the words is one the vocabulary holds whole (not cut into WordPiece pieces). */
  knowsAWord(words: string): boolean {
    if (words === "") return false;
    const { tokens } = this.tokenizer.encode(words, { add_special_tokens: false });
    const piece = (i: number): boolean => tokens[i]?.startsWith("##") ?? false;
    return tokens.some((token, i) => token !== "[UNK]" && !piece(i) && !piece(i + 1));
  }

  /** Adds `weight` x the row of token `id` into `into`. */
  addRow(into: Float32Array, id: number, weight: number): void {
    const scale = this.scales[id]! * weight;
    const offset = id * this.dims;
    for (let d = 0; d < this.dims; d++) into[d]! += this.rows[offset + d]! * scale;
  }
}
