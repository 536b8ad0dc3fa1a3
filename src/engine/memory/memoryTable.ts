// One fast-weight product-key memory: sub-keys, a value table, and per slot its provenance. The rules are
// the training code's (model.py: LongLensModel.write_chunk, write_memory, read_memory), held to PyTorch by
// test/unit/memory-parity.test.ts.
import { EntropyScratch, entropyStep } from "./keyUpdate";
import type { Addresses, ProductKeys } from "./productKeys";

export interface MemoryRules {
  keyDim: number;
  valueDim: number;
  topk: number;
  /** Tokens per write: reads inside a chunk see the memory as it was before it. */
  chunk: number;
  keyLr: number;
}

/** A piece's memory projections from the pre graph: queries (T, K), z-scored value sources (T, V), gates (T). */
export interface Projections {
  queries: Float32Array;
  values: Float32Array;
  gates: Float32Array;
}

export class MemoryTable {
  readonly slots: number;
  /** Per slot, the reading position of the token it was last written for (-1: never written). */
  readonly writer: Int32Array;
  /** Per slot, how many (token, top-k) writes it took. */
  readonly hits: Uint32Array;
  /** Tokens read so far: the position of the next piece's first token. */
  seen = 0;
  /** The previous piece's last token (query, gate): its target is the next piece's first token. */
  private pending: { query: Float32Array; gate: number } | undefined;
  /** Scratch: for each slot touched in the current chunk, its index in the chunk's unique list (-1 otherwise). */
  private readonly touchedAt: Int32Array;
  /** Scratch for one chunk's unique slots: ids, hit counts, summed gradients (reused: a chunk allocates nothing). */
  private readonly touched: Int32Array;
  private readonly counts: Int32Array;
  private readonly sums: Float32Array;
  /** Scratch for one row's error, target - read, and for the key step. */
  private readonly residual: Float32Array;
  private readonly entropyScratch: EntropyScratch;
  /** The previous chunk's addresses, filled again by the next chunk's. */
  private lastAddresses: Addresses | undefined;

  constructor(
    readonly rules: MemoryRules,
    readonly subkeys: number,
    readonly keys: Float32Array,
    readonly values: Float32Array = new Float32Array(subkeys * subkeys * rules.valueDim),
    writer?: Int32Array,
    hits?: Uint32Array,
  ) {
    this.slots = subkeys * subkeys;
    this.writer = writer ?? new Int32Array(this.slots).fill(-1);
    this.hits = hits ?? new Uint32Array(this.slots);
    this.touchedAt = new Int32Array(this.slots).fill(-1);
    const most = (rules.chunk + 1) * rules.topk;
    this.touched = new Int32Array(most);
    this.counts = new Int32Array(most);
    this.sums = new Float32Array(most * rules.valueDim);
    this.residual = new Float32Array(rules.valueDim);
    this.entropyScratch = new EntropyScratch(subkeys, rules.keyDim / 2);
  }

  /** Reads for addressed queries: sum_j weight_tj * values[slot_tj], (T, V). */
  read(addresses: Addresses): Float32Array {
    const out = new Float32Array(addresses.rows * this.rules.valueDim);
    for (let t = 0; t < addresses.rows; t++) this.readRow(addresses, t, out, t * this.rules.valueDim);
    return out;
  }

  /** Row t's read into out[at, at + V). */
  private readRow(addresses: Addresses, t: number, out: Float32Array, at: number): void {
    const { topk, valueDim: V } = this.rules;
    const { values } = this;
    const { slots, weights } = addresses;
    out.fill(0, at, at + V);
    for (let j = t * topk; j < (t + 1) * topk; j++) {
      const w = weights[j]!;
      const from = slots[j]! * V;
      for (let d = 0; d < V; d++) out[at + d] += w * values[from + d]!;
    }
  }

  /** Writes a piece chunk by chunk, as the model's forward pass does in memory mode. */
  async writePiece(keys: ProductKeys, piece: Projections): Promise<void> {
    const T = piece.gates.length;
    for (let s = 0; s < T; s += this.rules.chunk) await this.writeChunk(keys, piece, s, Math.min(s + this.rules.chunk, T));
    const K = this.rules.keyDim;
    this.pending = { query: piece.queries.slice((T - 1) * K, T * K), gate: piece.gates[T - 1]! };
    this.seen += T;
  }

  /**
   * The pairs (t -> u[t+1]) whose target lies in [s, e) of the piece; the piece's first target takes the
   * pending token as its source. One SGD step (lr 1) of 0.5 g |read - target|^2 on the values, the gradient
   * scaled by top-k and divided per slot by its hits in the chunk; then provenance; then the key step.
   */
  private async writeChunk(productKeys: ProductKeys, piece: Projections, s: number, e: number): Promise<void> {
    const { keyDim: K, valueDim: V, topk } = this.rules;
    const withPending = s === 0 && this.pending !== undefined;
    const sourceFrom = withPending ? 0 : Math.max(s - 1, 0);
    const targetFrom = withPending ? 0 : sourceFrom + 1;
    const rows = e - targetFrom;
    if (rows <= 0) return;
    const queries = new Float32Array(rows * K);
    const gates = new Float32Array(rows);
    if (withPending) {
      queries.set(this.pending!.query, 0);
      gates[0] = this.pending!.gate;
      queries.set(piece.queries.subarray(0, (e - 1) * K), K);
      gates.set(piece.gates.subarray(0, e - 1), 1);
    } else {
      queries.set(piece.queries.subarray(sourceFrom * K, (e - 1) * K));
      gates.set(piece.gates.subarray(sourceFrom, e - 1));
    }
    const addresses = (this.lastAddresses = await productKeys.address(queries, this.keys, this.subkeys, this.lastAddresses));
    // Sum each touched slot's contributions, then add sum / hits: every row's read sees the values before the write.
    const { touched, counts, sums, touchedAt, writer, hits, values, residual } = this;
    const { slots, weights } = addresses;
    const targets = piece.values;
    let unique = 0;
    for (let t = 0; t < rows; t++) {
      // The row's error, target - read, is shared by its top-k slots.
      this.readRow(addresses, t, residual, 0);
      const target = (targetFrom + t) * V;
      for (let d = 0; d < V; d++) residual[d] = targets[target + d]! - residual[d]!;
      const gate = gates[t]! * topk;
      for (let j = t * topk; j < (t + 1) * topk; j++) {
        const slot = slots[j]!;
        let at = touchedAt[slot]!;
        if (at < 0) {
          at = touchedAt[slot] = unique++;
          touched[at] = slot;
          counts[at] = 0;
          sums.fill(0, at * V, (at + 1) * V);
        }
        counts[at]!++;
        const scale = weights[j]! * gate;
        const sum = at * V;
        for (let d = 0; d < V; d++) sums[sum + d] += scale * residual[d]!;
        writer[slot] = this.seen + targetFrom + t;
        hits[slot]!++;
      }
    }
    for (let i = 0; i < unique; i++) {
      const slot = touched[i]!;
      const n = counts[i]!;
      const to = slot * V;
      const from = i * V;
      for (let d = 0; d < V; d++) values[to + d] += sums[from + d]! / n;
      touchedAt[slot] = -1;
    }
    entropyStep(this.keys, this.subkeys, queries, addresses, topk, this.rules.keyLr, this.entropyScratch);
  }
}
