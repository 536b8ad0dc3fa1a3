// Product-key addressing (FwPKM's inverse-distance scores s = -log(eps + |q - k|^2), top-k per half, top-k
// of the k x k sums, softmax weights; model.py address). The one dense step, q.k for every sub-key, runs in
// the export's memory.address.onnx (a matrix multiply: far faster there than in JavaScript); the rest is
// small and runs here, where a graph's dozen tiny operators would cost more per chunk than the product.
import { join } from "node:path";
import { GraphSession, type SessionOptions } from "../model/onnx";

/** The inverse-distance score's floor (model.py address). */
const EPS = 1e-3;

/** Where a chunk of T queries points: slots, weights and scores (T, k); per half the top-k scores and sub-keys (2, T, k). */
export interface Addresses {
  rows: number;
  slots: Int32Array;
  weights: Float32Array;
  /** Each slot's score (both halves' summed): unlike the weights, comparable between tables. */
  scores: Float32Array;
  halfScores: Float32Array;
  halfIds: Int32Array;
}

export class ProductKeys {
  private constructor(private readonly session: GraphSession, readonly keyDim: number, readonly topk: number) {}

  static async load(modelsDir: string, file: string, keyDim: number, topk: number, options: SessionOptions = {}): Promise<ProductKeys> {
    return new ProductKeys(await GraphSession.load(join(modelsDir, file), options), keyDim, topk);
  }

  /**
   * queries: (T, K) row-major; keys: (2, n, K/2). `reuse`: addresses of T rows the caller is done with, filled
   * again instead of allocated (the memory pass addresses every chunk of 64 tokens).
   */
  async address(queries: Float32Array, keys: Float32Array, n: number, reuse?: Addresses): Promise<Addresses> {
    const K = this.keyDim;
    const half = K / 2;
    const k = this.topk;
    const rows = queries.length / K;
    const out = await this.session.run({
      query: { type: "float32", dims: [rows, K], data: queries },
      keys: { type: "float32", dims: [2, n, half], data: keys },
    });
    const qk = out.qk!.data as Float32Array;
    const into = reuse?.rows === rows ? reuse : undefined;
    const halfScores = into?.halfScores ?? new Float32Array(2 * rows * k);
    const halfIds = into?.halfIds ?? new Int32Array(2 * rows * k);
    const keyNorms = new Float64Array(n);
    const best = new Float64Array(k);
    for (let h = 0; h < 2; h++) {
      for (let i = 0; i < n; i++) {
        let sum = 0;
        const from = (h * n + i) * half;
        for (let d = 0; d < half; d++) {
          const v = keys[from + d]!;
          sum += v * v;
        }
        keyNorms[i] = sum;
      }
      for (let t = 0; t < rows; t++) {
        let queryNorm = 0;
        const from = t * K + h * half;
        for (let d = 0; d < half; d++) {
          const v = queries[from + d]!;
          queryNorm += v * v;
        }
        // The k smallest squared distances (largest scores), kept sorted, nearest first.
        const at = (h * rows + t) * k;
        const row = (h * rows + t) * n;
        best.fill(Infinity);
        let worst = Infinity;
        for (let i = 0; i < n; i++) {
          const d2 = queryNorm + keyNorms[i]! - 2 * qk[row + i]!;
          if (d2 >= worst) continue;
          let j = k - 1;
          for (; j > 0 && best[j - 1]! > d2; j--) {
            best[j] = best[j - 1]!;
            halfIds[at + j] = halfIds[at + j - 1]!;
          }
          best[j] = d2;
          halfIds[at + j] = i;
          worst = best[k - 1]!;
        }
        for (let j = 0; j < k; j++) halfScores[at + j] = -Math.log(EPS + Math.max(0, best[j]!));
      }
    }
    const slots = into?.slots ?? new Int32Array(rows * k);
    const weights = into?.weights ?? new Float32Array(rows * k);
    const scores = into?.scores ?? new Float32Array(rows * k);
    const pair = new Float64Array(k);
    const pairIds = new Int32Array(k);
    for (let t = 0; t < rows; t++) {
      pair.fill(-Infinity);
      const a = t * k;
      const b = (rows + t) * k;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          const s = halfScores[a + i]! + halfScores[b + j]!;
          if (s <= pair[k - 1]!) continue;
          let m = k - 1;
          for (; m > 0 && pair[m - 1]! < s; m--) {
            pair[m] = pair[m - 1]!;
            pairIds[m] = pairIds[m - 1]!;
          }
          pair[m] = s;
          pairIds[m] = halfIds[a + i]! * n + halfIds[b + j]!;
        }
      }
      let sum = 0;
      for (let m = 0; m < k; m++) sum += Math.exp(pair[m]! - pair[0]!);
      for (let m = 0; m < k; m++) {
        slots[t * k + m] = pairIds[m]!;
        weights[t * k + m] = Math.exp(pair[m]! - pair[0]!) / sum;
        scores[t * k + m] = pair[m]!;
      }
    }
    return { rows, slots, weights, scores, halfScores, halfIds };
  }

  dispose(): Promise<void> {
    return this.session.dispose();
  }
}
