// FwPKM's addressing update: one gradient-ascent step on the entropy of each half's average sub-key usage
// (model.py update_keys), with the gradient written out. Only the top-k scores carry gradient, so the step
// costs O(T k K) instead of the O(T n K) of the distances, which the addressing already computed.
import type { Addresses } from "./productKeys";

/** Scratch of one table's key steps, sized by its first chunk and reused: a step allocates nothing. */
export class EntropyScratch {
  probs = new Float64Array(0);
  /** Per sub-key: usage, then dE/dp (the same for every top-k entry that points at it). */
  usage: Float64Array;
  slope: Float64Array;
  grad: Float64Array;
  /** The sub-keys a half's chunk used, and whether each is listed. */
  used: Int32Array;
  listed: Uint8Array;

  constructor(n: number, halfDim: number) {
    this.usage = new Float64Array(n);
    this.slope = new Float64Array(n);
    this.grad = new Float64Array(n * halfDim);
    this.used = new Int32Array(n);
    this.listed = new Uint8Array(n);
  }
}

/**
 * keys: (2, n, K/2), updated in place; queries: the chunk's (T, K) that `addresses` came from (same keys).
 * usage_n = mean_t sum_j [id_tj = n] p_tj with p = softmax of the top-k scores; E = -sum_n usage_n log usage_n.
 * With s = -log(eps + |q - k|^2), ds/dk = 2 (q - k) exp(s).
 */
export function entropyStep(
  keys: Float32Array, n: number, queries: Float32Array, addresses: Addresses, topk: number, lr: number,
  scratch = new EntropyScratch(n, keys.length / (2 * n)),
): void {
  const T = addresses.rows;
  const halfDim = keys.length / (2 * n);
  const keyDim = 2 * halfDim;
  if (scratch.probs.length < T * topk) scratch.probs = new Float64Array(T * topk);
  const { probs, usage, slope, grad, used, listed } = scratch;
  for (let h = 0; h < 2; h++) {
    const scores = addresses.halfScores.subarray(h * T * topk, (h + 1) * T * topk);
    const ids = addresses.halfIds.subarray(h * T * topk, (h + 1) * T * topk);
    let usedCount = 0;
    for (let t = 0; t < T; t++) {
      const row = t * topk;
      let max = -Infinity;
      for (let j = 0; j < topk; j++) max = Math.max(max, scores[row + j]!);
      let sum = 0;
      for (let j = 0; j < topk; j++) sum += probs[row + j] = Math.exp(scores[row + j]! - max);
      for (let j = 0; j < topk; j++) {
        const id = ids[row + j]!;
        if (!listed[id]) {
          listed[id] = 1;
          used[usedCount++] = id;
          usage[id] = 0;
          grad.fill(0, id * halfDim, (id + 1) * halfDim);
        }
        usage[id] += (probs[row + j]! /= sum) / T;
      }
    }
    // dE/dp_tj depends on the sub-key alone: computed once per sub-key, not once per top-k entry.
    for (let i = 0; i < usedCount; i++) {
      const u = usage[used[i]!]!;
      slope[used[i]!] = -(Math.log(u + 1e-9) + u / (u + 1e-9)) / T;
    }
    const halfKeys = keys.subarray(h * n * halfDim, (h + 1) * n * halfDim);
    for (let t = 0; t < T; t++) {
      const row = t * topk;
      // dE/dp_tj, then back through the softmax to dE/ds_tj.
      let mean = 0;
      for (let j = 0; j < topk; j++) mean += probs[row + j]! * slope[ids[row + j]!]!;
      const q = t * keyDim + h * halfDim;
      for (let j = 0; j < topk; j++) {
        const id = ids[row + j]!;
        const dScore = probs[row + j]! * (slope[id]! - mean);
        const factor = 2 * dScore * Math.exp(scores[row + j]!);
        const at = id * halfDim;
        for (let d = 0; d < halfDim; d++) grad[at + d] += factor * (queries[q + d]! - halfKeys[at + d]!);
      }
    }
    for (let i = 0; i < usedCount; i++) {
      const at = used[i]! * halfDim;
      for (let d = 0; d < halfDim; d++) halfKeys[at + d] += lr * grad[at + d]!;
      listed[used[i]!] = 0;
    }
  }
}
