// FwPKM's addressing update: one gradient-ascent step on the entropy of each half's average sub-key usage
// (model.py update_keys), with the gradient written out. Only the top-k scores carry gradient, so the step
// costs O(T k K) instead of the O(T n K) of the distances, which the addressing already computed.
import type { Addresses } from "./productKeys";

/**
 * keys: (2, n, K/2), updated in place; queries: the chunk's (T, K) that `addresses` came from (same keys).
 * usage_n = mean_t sum_j [id_tj = n] p_tj with p = softmax of the top-k scores; E = -sum_n usage_n log usage_n.
 * With s = -log(eps + |q - k|^2), ds/dk = 2 (q - k) exp(s).
 */
export function entropyStep(keys: Float32Array, n: number, queries: Float32Array, addresses: Addresses, topk: number, lr: number): void {
  const T = addresses.rows;
  const halfDim = keys.length / (2 * n);
  const keyDim = 2 * halfDim;
  const probs = new Float64Array(T * topk);
  const usage = new Float64Array(n);
  const grad = new Float64Array(n * halfDim);
  for (let h = 0; h < 2; h++) {
    const scores = addresses.halfScores.subarray(h * T * topk, (h + 1) * T * topk);
    const ids = addresses.halfIds.subarray(h * T * topk, (h + 1) * T * topk);
    usage.fill(0);
    for (let t = 0; t < T; t++) {
      const row = t * topk;
      let max = -Infinity;
      for (let j = 0; j < topk; j++) max = Math.max(max, scores[row + j]!);
      let sum = 0;
      for (let j = 0; j < topk; j++) sum += probs[row + j] = Math.exp(scores[row + j]! - max);
      for (let j = 0; j < topk; j++) usage[ids[row + j]!] += (probs[row + j]! /= sum) / T;
    }
    grad.fill(0);
    const halfKeys = keys.subarray(h * n * halfDim, (h + 1) * n * halfDim);
    for (let t = 0; t < T; t++) {
      const row = t * topk;
      // dE/dp_tj, then back through the softmax to dE/ds_tj.
      let mean = 0;
      for (let j = 0; j < topk; j++) {
        const u = usage[ids[row + j]!]!;
        mean += probs[row + j]! * (-(Math.log(u + 1e-9) + u / (u + 1e-9)) / T);
      }
      for (let j = 0; j < topk; j++) {
        const id = ids[row + j]!;
        const u = usage[id]!;
        const dScore = probs[row + j]! * (-(Math.log(u + 1e-9) + u / (u + 1e-9)) / T - mean);
        const factor = 2 * dScore * Math.exp(scores[row + j]!);
        const q = t * keyDim + h * halfDim;
        for (let d = 0; d < halfDim; d++) grad[id * halfDim + d] += factor * (queries[q + d]! - halfKeys[id * halfDim + d]!);
      }
    }
    for (let i = 0; i < grad.length; i++) if (grad[i] !== 0) halfKeys[i] += lr * grad[i]!;
  }
}
