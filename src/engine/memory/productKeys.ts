// Product-key addressing (FwPKM's inverse-distance scores, top-k per half, top-k of the k x k sums, softmax
// weights), run by the export's memory.address.onnx: its two small matrix multiplies per chunk are the memory
// pass's only dense work, and onnxruntime does them several times faster than a JavaScript loop.
import { join } from "node:path";
import { GraphSession, type SessionOptions } from "../model/onnx";

/** Where a chunk of T queries points: slots and weights (T, k); per half the top-k scores and sub-keys (2, T, k). */
export interface Addresses {
  rows: number;
  slots: Int32Array;
  weights: Float32Array;
  halfScores: Float32Array;
  halfIds: Int32Array;
}

function toInt32(data: BigInt64Array): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

export class ProductKeys {
  private constructor(private readonly session: GraphSession, readonly keyDim: number) {}

  static async load(modelsDir: string, file: string, keyDim: number, options: SessionOptions = {}): Promise<ProductKeys> {
    return new ProductKeys(await GraphSession.load(join(modelsDir, file), options), keyDim);
  }

  /** queries: (T, K) row-major; keys: (2, n, K/2). */
  async address(queries: Float32Array, keys: Float32Array, n: number): Promise<Addresses> {
    const rows = queries.length / this.keyDim;
    const out = await this.session.run({
      query: { type: "float32", dims: [rows, this.keyDim], data: queries },
      keys: { type: "float32", dims: [2, n, this.keyDim / 2], data: keys },
    });
    return {
      rows,
      slots: toInt32(out.slots!.data as BigInt64Array),
      weights: out.weights!.data as Float32Array,
      halfScores: out.half_scores!.data as Float32Array,
      halfIds: toInt32(out.half_ids!.data as BigInt64Array),
    };
  }

  dispose(): Promise<void> {
    return this.session.dispose();
  }
}
