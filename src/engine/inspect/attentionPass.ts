// One run of the shipped graphs in attention mode for the inspector: the window as a single piece of a
// fresh read (offset 0, no KV cache, zero convolution carry; model/attentionModeReader.ts does the run).
import { AttentionModeReader } from "../model/attentionModeReader";
import type { ModelGraphs } from "../model/modelGraphs";

export { betaFor } from "../model/attentionModeReader";

export interface AttentionPass {
  /** Per layer, float32 [heads, probeTo - probeFrom, tokens]: attention of the probed query rows. */
  attention: Float32Array[];
  /** Per layer with REPO positions, float32 [heads, tokens]. */
  positions: Map<number, Float32Array>;
}

/**
 * Runs `ids` through both graphs, returning attention for query rows [probeFrom, probeTo) and the positions.
 * `beta` is given rather than derived from ids.length so that a prefix of a window reads as the window did.
 */
export async function runAttentionPass(graphs: ModelGraphs, ids: readonly number[], probe: [number, number], beta: number): Promise<AttentionPass> {
  const outputs = await new AttentionModeReader(graphs, beta).run(ids, probe, false);
  const attention: Float32Array[] = [];
  const positions = new Map<number, Float32Array>();
  for (let layer = 0; layer < graphs.config.model.n_layer; layer++) {
    attention.push(outputs[`attention.${layer}`]!.data as Float32Array);
    const p = outputs[`positions.${layer}`];
    if (p) positions.set(layer, p.data as Float32Array);
  }
  return { attention, positions };
}
