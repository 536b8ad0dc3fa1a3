// `inspect`, model-backed: a window of a file's tokens run through the shipped graphs in attention mode,
// returned as the panels draw it (pooled maps for the grid, full rows for one token, REPO positions and folds).
// Graphs load once per variant and stay loaded (until an idle spell, if asked), so each click answers quickly.
import { performance } from "node:perf_hooks";
import { MAX_INSPECT_TOKENS, type InspectResult, type InspectVariant, type LayerPositions } from "../../shared/inspectData";
import type { Packed } from "../../shared/packed";
import { LongLensError } from "../errors";
import { shippedModelsDir } from "../model/modelFiles";
import { ModelGraphs } from "../model/modelGraphs";
import type { SessionOptions } from "../model/onnx";
import { CodeTokenizer, TOKENIZER_FILE } from "../model/tokenizer";
import { betaFor, runAttentionPass, type AttentionPass } from "./attentionPass";
import { foldedStretches } from "./folds";
import { packFloat32, packUint8 } from "./pack";
import { binStarts, poolHead } from "./poolAttention";
import { readTextFile, textWindow, type LineChoice } from "./textWindow";

export type InspectOptions = LineChoice & {
  /** Index in the window of the query token whose full attention rows to return. */
  token?: number;
  /** Index in the window of the token positions are measured from (default 0, the first). */
  reference?: number;
  variant?: InspectVariant;
};

/** The grid's resolution: a 2,000-token window is pooled into 256 x 256 cells per head, a short one is not pooled. */
const MAX_BINS = 256;

function checkIndex(index: number | undefined, tokens: number, what: string): void {
  if (index !== undefined && (!Number.isInteger(index) || index < 0 || index >= tokens)) {
    throw new LongLensError(`The ${what} ${index} is outside the window: it has tokens 0-${tokens - 1}.`, "BAD_TOKEN");
  }
}

export interface InspectorOptions extends SessionOptions {
  /**
   * Free the graphs after this long without a call (they are loaded again when needed): onnxruntime keeps the
   * peak of a 2,000-token run, about a gigabyte, for as long as a graph is loaded. Unset: keep them.
   */
  releaseAfterMs?: number;
}

export class Inspector {
  private readonly graphs = new Map<InspectVariant, Promise<ModelGraphs>>();
  private tokenizer?: Promise<CodeTokenizer>;
  private running = 0;
  private idle?: NodeJS.Timeout;

  /** `modelsDir` defaults to the shipped models/, found on first use (so creating an Inspector never throws). */
  constructor(
    private readonly modelsDir?: string,
    private readonly options: InspectorOptions = {},
  ) {}

  async inspectFile(file: string, options: InspectOptions = {}): Promise<InspectResult> {
    return this.inspectText(await readTextFile(file), file, options);
  }

  /** Inspects `text` (a file's contents, perhaps unsaved), reported under `name`. */
  inspectText(text: string, name: string, options: InspectOptions = {}): Promise<InspectResult> {
    return this.busy(() => this.inspectNow(text, name, options));
  }

  private async inspectNow(text: string, name: string, options: InspectOptions): Promise<InspectResult> {
    const started = performance.now();
    const window = textWindow(text, name, options, await this.loadTokenizer(), MAX_INSPECT_TOKENS);
    const T = window.tokens.length;
    checkIndex(options.token, T, "token");
    checkIndex(options.reference, T, "reference token");
    const variant = options.variant ?? "longlens";
    const graphs = await this.loadGraphs(variant);
    const entry = graphs.config.variants[variant]!;
    const m = graphs.config.model;
    const beta = betaFor(entry.beta_c, m.block_size, T);
    const pass = await runAttentionPass(graphs, window.tokens.map((t) => t.id), [0, T], beta);
    const reference = options.reference ?? 0;
    return {
      file: name,
      startLine: window.startLine,
      endLine: window.endLine,
      truncated: window.truncated,
      tokenizer: `models/${TOKENIZER_FILE} (byte-level BPE, ${(await this.loadTokenizer()).vocabSize})`,
      tokens: window.tokens,
      analyses: ["tokens", "attention", "positions"],
      variant,
      model: { layers: m.n_layer, heads: m.n_head, beta, posModes: entry.pos_modes, localHeads: entry.local_heads, localWindow: entry.local_window },
      attention: { ...pooledMaps(pass, m.n_head, T), ...(options.token === undefined ? {} : { token: options.token, rows: fullRows(pass, m.n_head, T, options.token) }) },
      positions: { reference, layers: entry.pos_modes.map((mode, layer) => layerPositions(pass, layer, mode, m.n_head, T, reference)) },
      memory: null,
      seconds: (performance.now() - started) / 1000,
    };
  }

  /**
   * What query token `token` of the window `ids` attends to, float32 [layers, heads, ids.length]. Attention is
   * causal, so only the window up to the token is run, at the whole window's temperature: the rows are the ones
   * a full inspect returns, in a fraction of its time for early tokens.
   */
  tokenRows(ids: readonly number[], token: number, variant: InspectVariant = "longlens"): Promise<Packed> {
    return this.busy(() => this.tokenRowsNow(ids, token, variant));
  }

  private async tokenRowsNow(ids: readonly number[], token: number, variant: InspectVariant): Promise<Packed> {
    checkIndex(token, ids.length, "token");
    const graphs = await this.loadGraphs(variant);
    const m = graphs.config.model;
    const beta = betaFor(graphs.config.variants[variant]!.beta_c, m.block_size, ids.length);
    const pass = await runAttentionPass(graphs, ids.slice(0, token + 1), [token, token + 1], beta);
    const rows = new Float32Array(m.n_layer * m.n_head * ids.length);
    pass.attention.forEach((probs, layer) => {
      for (let h = 0; h < m.n_head; h++) rows.set(probs.subarray(h * (token + 1), (h + 1) * (token + 1)), (layer * m.n_head + h) * ids.length);
    });
    return packFloat32(rows, [m.n_layer, m.n_head, ids.length]);
  }

  /**
   * Loads the tokenizer and a variant's graphs ahead of the first call (the extension does it when idle), so
   * the first inspect runs the model at once. Nothing runs, so this holds only the graphs' weights.
   */
  async preload(variant: InspectVariant = "longlens"): Promise<void> {
    await Promise.all([this.loadTokenizer(), this.loadGraphs(variant)]);
  }

  async dispose(): Promise<void> {
    clearTimeout(this.idle);
    await this.releaseGraphs();
  }

  /** Runs `work`; once nothing runs for releaseAfterMs, the graphs are freed. */
  private async busy<T>(work: () => Promise<T>): Promise<T> {
    clearTimeout(this.idle);
    this.running++;
    try {
      return await work();
    } finally {
      if (--this.running === 0 && this.options.releaseAfterMs !== undefined) {
        this.idle = setTimeout(() => void this.releaseGraphs(), this.options.releaseAfterMs).unref();
      }
    }
  }

  private async releaseGraphs(): Promise<void> {
    // Forgotten first, so a call that starts meanwhile loads fresh graphs instead of ones being freed.
    const loading = [...this.graphs.values()];
    this.graphs.clear();
    const loaded = await Promise.allSettled(loading);
    await Promise.all(loaded.map((g) => (g.status === "fulfilled" ? g.value.dispose() : undefined)));
  }

  private loadTokenizer(): Promise<CodeTokenizer> {
    this.tokenizer ??= (async () => CodeTokenizer.load(this.modelsDir ?? shippedModelsDir()))();
    this.tokenizer.catch(() => (this.tokenizer = undefined)); // a missing file may be restored: try again next time
    return this.tokenizer;
  }

  private loadGraphs(variant: InspectVariant): Promise<ModelGraphs> {
    let graphs = this.graphs.get(variant);
    if (!graphs) {
      const { threads } = this.options;
      graphs = (async () => ModelGraphs.load(this.modelsDir ?? shippedModelsDir(), { ...(threads === undefined ? {} : { threads }), variant, memoryPattern: false }))();
      graphs.catch(() => this.graphs.delete(variant));
      this.graphs.set(variant, graphs);
    }
    return graphs;
  }
}

/** One-shot inspect (the CLI): loads what it needs, inspects, frees it. */
export async function inspectFile(file: string, options: InspectOptions = {}): Promise<InspectResult> {
  const inspector = new Inspector();
  try {
    return await inspector.inspectFile(file, options);
  } finally {
    await inspector.dispose();
  }
}

/** Pools every head (on the inspector's own thread in the extension: it takes tens of milliseconds). */
function pooledMaps(pass: AttentionPass, heads: number, T: number) {
  const bins = Math.min(T, MAX_BINS);
  const starts = binStarts(T, bins);
  const maps = new Float32Array(pass.attention.length * heads * bins * bins);
  for (const [layer, probs] of pass.attention.entries()) {
    for (let h = 0; h < heads; h++) {
      poolHead(probs, h * T * T, T, starts, maps, (layer * heads + h) * bins * bins);
    }
  }
  return { bins, binStarts: starts, maps: packUint8(maps, [pass.attention.length, heads, bins, bins]) };
}

function fullRows(pass: AttentionPass, heads: number, T: number, token: number): Packed {
  const rows = new Float32Array(pass.attention.length * heads * T);
  pass.attention.forEach((probs, layer) => {
    for (let h = 0; h < heads; h++) rows.set(probs.subarray(h * T * T + token * T, h * T * T + (token + 1) * T), (layer * heads + h) * T);
  });
  return packFloat32(rows, [pass.attention.length, heads, T]);
}

function layerPositions(pass: AttentionPass, layer: number, mode: string, heads: number, T: number, reference: number): LayerPositions {
  const absolute = mode === "repo" ? pass.positions.get(layer) : mode === "rope" ? ropePositions(heads, T) : undefined;
  if (!absolute) return { layer, mode: "none" };
  const origin = Array.from({ length: heads }, (_, h) => absolute[h * T + reference]!);
  const relative = absolute.map((p, i) => p - origin[Math.floor(i / T)]!);
  return {
    layer,
    mode: mode as "repo" | "rope",
    values: packFloat32(relative, [heads, T]),
    origin,
    folds: Array.from({ length: heads }, (_, h) => foldedStretches(absolute, h * T, T)),
  };
}

/** RoPE's positions are the token indices (offset 0), the same for every head. */
function ropePositions(heads: number, T: number): Float32Array {
  return Float32Array.from({ length: heads * T }, (_, i) => i % T);
}
