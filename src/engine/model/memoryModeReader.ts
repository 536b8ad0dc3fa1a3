// The `pre` graph in memory mode, as the model card measured it (evaluate.py Reader, Mode(memory=True)):
// pieces of MEMORY_PIECE tokens, sliding-window attention over the last mem_chunk keys, the convolution's
// carry between pieces. Each piece yields the memory's projections for the memory to write.
import type { Projections } from "../memory/memoryTable";
import { LayerCache } from "./layerCache";
import type { ModelGraphs } from "./modelGraphs";
import type { TensorData } from "./onnx";

/** Tokens per run of the pre graph in memory mode (evaluate.py MEMORY_PIECE). */
export const MEMORY_PIECE = 256;

const scalar = (value: number): TensorData => ({ type: "int64", dims: [], data: BigInt64Array.of(BigInt(value)) });

export class MemoryModeReader {
  private readonly cache: LayerCache;
  private offset = 0;

  constructor(private readonly graphs: ModelGraphs) {
    const [lo, hi] = graphs.config.variants[graphs.variant]!.pre.layers;
    this.cache = new LayerCache(Array.from({ length: hi - lo }, (_, i) => lo + i), graphs.config.model);
  }

  /** Runs one piece (at most MEMORY_PIECE tokens) and returns its memory projections. */
  async read(ids: ArrayLike<number>): Promise<Projections> {
    const window = this.graphs.config.model.mem_chunk;
    const feeds: Record<string, TensorData> = {
      input_ids: { type: "int64", dims: [1, ids.length], data: BigInt64Array.from(Array.from(ids), BigInt) },
      offset: scalar(this.offset),
      beta: { type: "float32", dims: [], data: Float32Array.of(1) },
      window: scalar(window),
      probe_from: scalar(0),
      probe_to: scalar(0),
      ...this.cache.feeds(),
    };
    const pre = this.graphs.pre;
    const out = await pre.run(Object.fromEntries(pre.inputNames.map((n) => [n, feeds[n]!])));
    this.cache.update(out, window);
    this.offset += ids.length;
    return {
      queries: out.memory_query!.data as Float32Array,
      values: out.memory_value!.data as Float32Array,
      gates: out.memory_gate!.data as Float32Array,
    };
  }
}
