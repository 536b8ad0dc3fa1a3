// FLOPs per token of the memory pass, counted from the model config as the graphs compute them (a multiply-add
// is two FLOPs): the pre graph (layer 0 and the memory projections, attention over the cached and new keys of a
// MEMORY_PIECE piece, which the graph scores before masking to the window) and the memory's addressing.
import type { ModelHyperparameters } from "../../src/engine/model/modelConfig";
import { MEMORY_PIECE } from "../../src/engine/model/memoryModeReader";

export function preFlopsPerToken(m: ModelHyperparameters): number {
  const d = m.d_model;
  const dense = 3 * d * d + d * d + 3 * d * m.d_mlp + d * (m.mem_kdim + 2 * m.mem_vdim) + m.conv_width * d;
  const keysSeen = m.mem_chunk + (MEMORY_PIECE + 1) / 2 + MEMORY_PIECE / 2; // cached window + the piece, scored in full
  const attention = 2 * keysSeen * d;
  return 2 * (dense + attention);
}

/** Addressing (distances to n sub-keys per half), the write (reads and updates k slots) and the key step. */
export function memoryFlopsPerToken(m: ModelHyperparameters, subkeys: number): number {
  const distances = subkeys * m.mem_kdim; // both halves: n * K/2 each
  const write = 2 * m.mem_topk * m.mem_vdim;
  const keyStep = m.mem_topk * m.mem_kdim;
  return 2 * (distances + write + keyStep);
}
