// One run of the shipped graphs in attention mode, as the training code's attention mode reads: the window
// as a single piece (offset 0, no KV cache, zero convolution carry), full attention, the memory read as a
// fresh table reads (zeros), and the temperature for the window's length.
import type { ModelHyperparameters } from "../model/modelConfig";
import type { ModelGraphs } from "../model/modelGraphs";
import type { TensorData } from "../model/onnx";

export interface AttentionPass {
  /** Per layer, float32 [heads, probeTo - probeFrom, tokens]: attention of the probed query rows. */
  attention: Float32Array[];
  /** Per layer with REPO positions, float32 [heads, tokens]. */
  positions: Map<number, Float32Array>;
}

/** DroPE's attention temperature for a read of `length` tokens: 1 + c * ln(max(L, L_train) / L_train). */
export function betaFor(betaC: number, blockSize: number, length: number): number {
  return 1 + betaC * Math.log(Math.max(length, blockSize) / blockSize);
}

const int64 = (value: number): TensorData => ({ type: "int64", dims: [], data: BigInt64Array.of(BigInt(value)) });
const float32 = (dims: number[], data = new Float32Array(dims.reduce((a, b) => a * b, 1))): TensorData => ({ type: "float32", dims, data });

/** What every layer carries before the first piece: no keys or values, zero convolution inputs. */
function emptyCache(m: ModelHyperparameters): Record<string, TensorData> {
  const feeds: Record<string, TensorData> = {};
  for (let layer = 0; layer < m.n_layer; layer++) {
    feeds[`past.${layer}.key`] = float32([1, m.n_head, 0, m.d_model / m.n_head]);
    feeds[`past.${layer}.value`] = float32([1, m.n_head, 0, m.d_model / m.n_head]);
    feeds[`past.${layer}.conv`] = float32([1, m.conv_width - 1, m.d_model]);
  }
  return feeds;
}

/** Each graph is fed the inputs it declares (a NoPE part has no `offset`). */
function feedsFor(inputNames: readonly string[], all: Record<string, TensorData>): Record<string, TensorData> {
  return Object.fromEntries(inputNames.map((name) => [name, all[name]!]));
}

/**
 * Runs `ids` through both graphs, returning attention for query rows [probeFrom, probeTo) and the positions.
 * `beta` is given rather than derived from ids.length so that a prefix of a window reads as the window did.
 */
export async function runAttentionPass(graphs: ModelGraphs, ids: readonly number[], probe: [number, number], beta: number): Promise<AttentionPass> {
  const m = graphs.config.model;
  const T = ids.length;
  const feeds: Record<string, TensorData> = {
    input_ids: { type: "int64", dims: [1, T], data: BigInt64Array.from(ids, (id) => BigInt(id)) },
    offset: int64(0),
    beta: float32([], Float32Array.of(beta)),
    window: int64(0),
    probe_from: int64(probe[0]),
    probe_to: int64(probe[1]),
    ...emptyCache(m),
  };
  const pre = await graphs.pre.run(feedsFor(graphs.pre.inputNames, feeds));
  const post = await graphs.post.run(feedsFor(graphs.post.inputNames, { ...feeds, hidden: pre.hidden!, memory_read: float32([1, T, m.mem_vdim]) }));
  const outputs = { ...pre, ...post };
  const attention: Float32Array[] = [];
  const positions = new Map<number, Float32Array>();
  for (let layer = 0; layer < m.n_layer; layer++) {
    attention.push(outputs[`attention.${layer}`]!.data as Float32Array);
    const p = outputs[`positions.${layer}`];
    if (p) positions.set(layer, p.data as Float32Array);
  }
  return { attention, positions };
}
