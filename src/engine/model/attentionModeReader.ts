// The shipped graphs in attention mode, as the training code reads (evaluate.py Reader, Mode()): full
// attention at DroPE's temperature for the whole read, the memory read as a fresh table reads (zeros), and a
// KV cache (LayerCache) per part from one piece to the next. Inspect runs one piece; answers run several.
import { LayerCache } from "./layerCache";
import type { ModelGraphs } from "./modelGraphs";
import type { TensorData } from "./onnx";

/** Tokens per run when a long read is split (evaluate.py PIECE). */
export const ATTENTION_PIECE = 1024;

/** DroPE's attention temperature for a read of `length` tokens: 1 + c * ln(max(L, L_train) / L_train). */
export function betaFor(betaC: number, blockSize: number, length: number): number {
  return 1 + betaC * Math.log(Math.max(length, blockSize) / blockSize);
}

const int64 = (value: number): TensorData => ({ type: "int64", dims: [], data: BigInt64Array.of(BigInt(value)) });

function partCache(graphs: ModelGraphs, part: "pre" | "post"): LayerCache {
  const [lo, hi] = graphs.config.variants[graphs.variant]![part].layers;
  return new LayerCache(Array.from({ length: hi - lo }, (_, i) => lo + i), graphs.config.model);
}

export class AttentionModeReader {
  private pre: LayerCache;
  private post: LayerCache;
  /** Tokens read so far (the RoPE layers' offset for the next piece). */
  offset = 0;

  /** `beta` is the whole read's temperature (betaFor its planned length), fixed for every piece. */
  constructor(private readonly graphs: ModelGraphs, private readonly beta: number) {
    this.pre = partCache(graphs, "pre");
    this.post = partCache(graphs, "post");
  }

  /** A reader that goes on from what this one has read, leaving it as it is: one read, several continuations. */
  fork(): AttentionModeReader {
    const copy = new AttentionModeReader(this.graphs, this.beta);
    copy.pre = this.pre.fork();
    copy.post = this.post.fork();
    copy.offset = this.offset;
    return copy;
  }

  /**
   * One piece through both graphs; attention is returned for the piece's query rows [probe[0], probe[1]).
   * Without `logits` the output layer is not computed (the inspector draws attention and positions only).
   */
  async run(ids: readonly number[], probe: [number, number] = [0, 0], logits = true): Promise<Record<string, TensorData>> {
    const m = this.graphs.config.model;
    const T = ids.length;
    const shared: Record<string, TensorData> = {
      input_ids: { type: "int64", dims: [1, T], data: BigInt64Array.from(ids, (id) => BigInt(id)) },
      offset: int64(this.offset),
      beta: { type: "float32", dims: [], data: Float32Array.of(this.beta) },
      window: int64(0),
      probe_from: int64(probe[0]),
      probe_to: int64(probe[1]),
    };
    const { pre, post } = this.graphs;
    const preOut = await pre.run(feedsFor(pre.inputNames, { ...shared, ...this.pre.feeds() }));
    const memoryRead: TensorData = { type: "float32", dims: [1, T, m.mem_vdim], data: new Float32Array(T * m.mem_vdim) };
    const postOut = await post.run(
      feedsFor(post.inputNames, { ...shared, ...this.post.feeds(), hidden: preOut.hidden!, memory_read: memoryRead }),
      logits ? post.outputNames : post.outputNames.filter((name) => name !== "logits"),
    );
    this.pre.update(preOut);
    this.post.update(postOut);
    this.offset += T;
    return { ...preOut, ...postOut };
  }

  /** Reads `ids` in pieces of ATTENTION_PIECE tokens; returns the logits after the last token (vocab_size). */
  async feed(ids: readonly number[]): Promise<Float32Array> {
    let last: Float32Array | undefined;
    for (let s = 0; s < ids.length; s += ATTENTION_PIECE) {
      const piece = ids.slice(s, s + ATTENTION_PIECE);
      const logits = (await this.run(piece)).logits!.data as Float32Array;
      const V = this.graphs.config.model.vocab_size;
      last = logits.subarray((piece.length - 1) * V, piece.length * V);
    }
    if (!last) throw new RangeError("AttentionModeReader.feed needs at least one token");
    return last;
  }
}

/** Each graph is fed the inputs it declares (a NoPE part has no `offset`). */
function feedsFor(inputNames: readonly string[], all: Record<string, TensorData>): Record<string, TensorData> {
  return Object.fromEntries(inputNames.map((name) => [name, all[name]!]));
}
