// What a part's layers carry from one piece to the next: per layer the rotated keys and values of earlier
// tokens (1, H, P, Dh) and the short convolution's last conv_width - 1 inputs (1, conv_width - 1, D).
import type { ModelHyperparameters } from "./modelConfig";
import type { TensorData } from "./onnx";

export class LayerCache {
  private keys: Float32Array[];
  private values: Float32Array[];
  private convs: Float32Array[];
  /** Tokens held (P). */
  length = 0;

  constructor(private readonly layers: readonly number[], private readonly m: ModelHyperparameters) {
    this.keys = layers.map(() => new Float32Array(0));
    this.values = layers.map(() => new Float32Array(0));
    this.convs = layers.map(() => new Float32Array((m.conv_width - 1) * m.d_model));
  }

  /** A cache that goes on from this one's tokens; neither changes the other (update replaces arrays, never writes into them). */
  fork(): LayerCache {
    const copy = new LayerCache(this.layers, this.m);
    copy.keys = [...this.keys];
    copy.values = [...this.values];
    copy.convs = [...this.convs];
    copy.length = this.length;
    return copy;
  }

  private get dHead(): number {
    return this.m.d_model / this.m.n_head;
  }

  feeds(): Record<string, TensorData> {
    const kv = [1, this.m.n_head, this.length, this.dHead];
    const feeds: Record<string, TensorData> = {};
    this.layers.forEach((layer, i) => {
      feeds[`past.${layer}.key`] = { type: "float32", dims: kv, data: this.keys[i]! };
      feeds[`past.${layer}.value`] = { type: "float32", dims: kv, data: this.values[i]! };
      feeds[`past.${layer}.conv`] = { type: "float32", dims: [1, this.m.conv_width - 1, this.m.d_model], data: this.convs[i]! };
    });
    return feeds;
  }

  /** Takes a run's presents; with `keep`, only each head's last `keep` keys (a sliding window needs no more). */
  update(outputs: Record<string, TensorData>, keep?: number): void {
    this.layers.forEach((layer, i) => {
      const key = outputs[`present.${layer}.key`]!;
      const total = key.dims[2]!;
      const kept = keep === undefined ? total : Math.min(keep, total);
      this.keys[i] = lastPositions(key.data as Float32Array, this.m.n_head, total, kept, this.dHead);
      this.values[i] = lastPositions(outputs[`present.${layer}.value`]!.data as Float32Array, this.m.n_head, total, kept, this.dHead);
      this.convs[i] = outputs[`present.${layer}.conv`]!.data as Float32Array;
      this.length = kept;
    });
  }
}

/** (1, H, total, Dh) -> (1, H, kept, Dh): the last `kept` positions of every head. */
function lastPositions(data: Float32Array, heads: number, total: number, kept: number, dHead: number): Float32Array {
  if (kept === total) return data;
  const out = new Float32Array(heads * kept * dHead);
  for (let h = 0; h < heads; h++) out.set(data.subarray((h * total + total - kept) * dHead, (h * total + total) * dHead), h * kept * dHead);
  return out;
}
