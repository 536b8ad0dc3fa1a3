// What `inspect` returns: the data the inspector and folding panels draw, and `longlens inspect --json` prints.
// Shared by the engine, the CLI, the extension and the webviews, so it holds plain data only.
import type { Packed } from "./packed";

export type InspectVariant = "longlens" | "rope";

export interface InspectToken {
  id: number;
  text: string;
  /** 1-based line of the token's first character. */
  line: number;
  /** UTF-16 offsets [start, end) into the inspected text (the whole file, not the window). */
  start: number;
  end: number;
}

export interface InspectAttention {
  /** The grid resolution: map cell (i, j) is query tokens of bin i attending to key tokens of bin j. */
  bins: number;
  /** Where each bin starts, in tokens (bins + 1 entries; the last is the token count). */
  binStarts: number[];
  /** uint8 [layers, heads, bins, bins]: each query bin's mean attention, summed over each key bin (rows sum to 1). */
  maps: Packed;
  /** The query token whose full rows are in `rows`, if one was asked for. */
  token?: number;
  /** float32 [layers, heads, tokens]: what `token` attends to, exactly as the graphs return it. */
  rows?: Packed;
}

export interface LayerPositions {
  layer: number;
  /** repo: positions computed from content (graph output); rope: the token index RoPE uses; none: no positions. */
  mode: "repo" | "rope" | "none";
  /** float32 [heads, tokens]: each token's position minus the reference token's (absent for mode "none"). */
  values?: Packed;
  /** Per head, the reference token's own position: values + origin gives the graph's output. */
  origin?: number[];
  /** Per head, folded stretches [first, last] (token indices, inclusive): tokens whose positions collapse together. */
  folds?: [number, number][][];
}

/** One memory slot a token or question read, in one shard. */
export interface MemorySlotRead {
  slot: number;
  /** The slot's read weight (each token's weights over its slots sum to 1): the largest any of the reader's tokens gave it. */
  weight: number;
  /** How many tokens of the reading wrote the slot. */
  writes: number;
  /** The code that last wrote the slot, and the lines of the memory chunk (mem_chunk tokens) it was written in. */
  writer?: { file: string; line: number; startLine: number; endLine: number };
}

export interface MemoryView {
  /** What read the memory: a token of this window (its memory-mode query) or a question. */
  reader: { token: number } | { question: string };
  /** Shards the reader read (all of the index's); only those holding one of the strongest slots are listed. */
  shardsRead: number;
  /** Per listed shard, its strongest slots, strongest first (at most 8 a shard, 32 in all). */
  shards: { shard: string; slots: MemorySlotRead[] }[];
}

export interface InspectResult {
  file: string;
  startLine: number;
  endLine: number;
  /** The range held more tokens than inspect reads; endLine was pulled in to fit. */
  truncated: boolean;
  tokenizer: string;
  tokens: InspectToken[];
  /** Names of the analyses present: "tokens", "attention", "positions", and "memory" when memory was read. */
  analyses: string[];
  variant: InspectVariant;
  /** What the graphs were run with. */
  model: { layers: number; heads: number; beta: number; posModes: string[]; localHeads: number[][]; localWindow: number };
  attention: InspectAttention;
  positions: { reference: number; layers: LayerPositions[] };
  /** The memory slots a question or token read (`--question`, `--token`); null when none was asked or none can be read. */
  memory: MemoryView | null;
  /** Why memory is null although a reader was asked for (no index, an index without memory, ...). */
  memoryReason?: string;
  /** Wall time of the model run and the encoding, seconds. */
  seconds: number;
}

/** At most this many tokens are inspected at once: the attention maps grow with the square. */
export const MAX_INSPECT_TOKENS = 2000;
