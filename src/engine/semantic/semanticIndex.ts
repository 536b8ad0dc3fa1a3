import { codeWords } from "./codeWords";
import type { StaticModel } from "./staticModel";

/** What the semantic index reads of a chunk. */
export interface SemanticChunk {
  id: string;
  file: string;
  symbols: readonly string[];
  text: string;
  /** The doc comment right above the chunk when the chunker kept it as a chunk of its own. */
  lead?: string;
}

/** Chunks embedded between two yields to the event loop: indexing in the extension host must not stall it. */
const YIELD_EVERY = 8;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Each item's result, in order, yielding to the event loop every YIELD_EVERY items. */
async function mapYielding<T, R>(items: readonly T[], f: (item: T) => R): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) {
    out.push(f(item));
    if (out.length % YIELD_EVERY === 0) await nextTurn();
  }
  return out;
}

/** Characters of a chunk embedded: a function's head says what it does; the rest mostly adds noise and time. */
const EMBED_CHARS = 4_000;

/**
 * The text a chunk is embedded as: its file path, the names it defines and its doc comment before its code, so
 * a chunk whose body says little still carries where it lives, what it is called and what it is for
 * (enrichment, measured in `bench -- ask`).
 */
export function enrichedText(chunk: SemanticChunk): string {
  return `${chunk.file} ${chunk.symbols.join(" ")}\n${chunk.lead ?? ""}\n${chunk.text}`.slice(0, EMBED_CHARS);
}

/** What a semantic index is made of: a unit vector per chunk id (rows in `ids` order), and the IDF and mean it was built with. */
export interface SemanticParts {
  ids: readonly string[];
  vectors: Float32Array;
  idf: Float32Array;
  mean: Float32Array;
}

/**
 * Chunk vectors for one store: each chunk the IDF-weighted mean of its tokens' static rows, unit length.
 * IDF comes from the indexed chunks themselves, so words every chunk has (`self`, `return`) weigh little.
 */
export class SemanticIndex {
  readonly ids: readonly string[];
  private readonly vectors: Float32Array;
  private readonly idf: Float32Array;
  private readonly mean: Float32Array;

  private constructor(
    private readonly model: StaticModel,
    readonly parts: SemanticParts,
  ) {
    ({ ids: this.ids, vectors: this.vectors, idf: this.idf, mean: this.mean } = parts);
  }

  static async build(model: StaticModel, chunks: readonly SemanticChunk[], text: (chunk: SemanticChunk) => string = enrichedText): Promise<SemanticIndex> {
    const tokens = await mapYielding(chunks, (chunk) => model.tokenIds(codeWords(text(chunk))));
    const df = new Uint32Array(model.vocab);
    for (const ids of tokens) for (const id of new Set(ids)) df[id]!++;
    const idf = new Float32Array(model.vocab);
    for (let id = 0; id < model.vocab; id++) idf[id] = Math.log(1 + chunks.length / (1 + df[id]!));
    const vectors = new Float32Array(chunks.length * model.dims);
    await mapYielding([...tokens.keys()], (row) => vectors.set(embedIds(model, tokens[row]!, idf), row * model.dims));
    // Every mean of token rows shares one large direction (MiniLM's outputs are anisotropic); cosines that
    // keep it barely tell chunks apart, so the workspace's mean chunk vector is taken out of every vector.
    const mean = new Float32Array(model.dims);
    for (let row = 0; row < chunks.length; row++) for (let d = 0; d < model.dims; d++) mean[d]! += vectors[row * model.dims + d]! / chunks.length;
    for (let row = 0; row < chunks.length; row++) centre(vectors.subarray(row * model.dims, (row + 1) * model.dims), mean);
    return new SemanticIndex(model, { ids: chunks.map((chunk) => chunk.id), vectors, idf, mean });
  }

  /** An index read back from its parts (semanticFile.ts); undefined when their sizes do not fit the model. */
  static restore(model: StaticModel, parts: SemanticParts): SemanticIndex | undefined {
    const fits = parts.idf.length === model.vocab && parts.mean.length === model.dims && parts.vectors.length === parts.ids.length * model.dims;
    return fits ? new SemanticIndex(model, parts) : undefined;
  }

  /**
   * The chunks of `keep` this index holds, plus `added` embedded with this index's IDF and mean: an incremental
   * index costs its new chunks only (the statistics drift until a full build; semanticFile.ts decides when).
   */
  async updated(keep: ReadonlySet<string>, added: readonly SemanticChunk[], text: (chunk: SemanticChunk) => string): Promise<SemanticIndex> {
    const { dims } = this;
    const rows = [...this.ids.keys()].filter((row) => keep.has(this.ids[row]!));
    const vectors = new Float32Array((rows.length + added.length) * dims);
    rows.forEach((row, i) => vectors.set(this.vectors.subarray(row * dims, (row + 1) * dims), i * dims));
    await mapYielding([...added.keys()], (i) => {
      const vector = embedIds(this.model, this.model.tokenIds(codeWords(text(added[i]!))), this.idf);
      vectors.set(centre(vector, this.mean), (rows.length + i) * dims);
    });
    const ids = [...rows.map((row) => this.ids[row]!), ...added.map((chunk) => chunk.id)];
    return new SemanticIndex(this.model, { ids, vectors, idf: this.idf, mean: this.mean });
  }

  get dims(): number {
    return this.model.dims;
  }

  /**
   * The question's vector; all zeros (no semantic ranking) when the vocabulary holds none of its words whole:
   * WordPiece pieces of unknown words alone (`zyzzyva` -> zy ##zz ##y ##va) would rank noise.
   */
  embedQuestion(question: string): Float32Array {
    const words = codeWords(question);
    const ids = this.model.knowsAWord(words) ? this.model.tokenIds(words) : [];
    const vector = embedIds(this.model, ids, this.idf);
    return ids.length > 0 ? centre(vector, this.mean) : vector;
  }

  /** Cosine of every chunk with the question, in `ids` order. */
  scores(question: string): Float32Array {
    return this.scoresFor(this.embedQuestion(question));
  }

  /** Cosine of every chunk with a unit vector in the table's space (a question embedded some other way). */
  scoresFor(q: Float32Array): Float32Array {
    const { dims } = this;
    const out = new Float32Array(this.ids.length);
    for (let row = 0; row < this.ids.length; row++) {
      let dot = 0;
      const offset = row * dims;
      for (let d = 0; d < dims; d++) dot += q[d]! * this.vectors[offset + d]!;
      out[row] = dot;
    }
    return out;
  }

  /** The `top` chunk ids closest to the question, best first; empty when the question has no known word. */
  search(question: string, top: number): { id: string; score: number }[] {
    const scores = this.scores(question);
    const order = [...scores.keys()].filter((row) => scores[row]! > 0).sort((a, b) => scores[b]! - scores[a]!);
    return order.slice(0, top).map((row) => ({ id: this.ids[row]!, score: scores[row]! }));
  }
}

/** `vector` minus `mean`, back to unit length, in place. */
function centre(vector: Float32Array, mean: Float32Array): Float32Array {
  for (let d = 0; d < vector.length; d++) vector[d]! -= mean[d]!;
  return normalise(vector);
}

function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  if (norm > 0) for (let d = 0; d < vector.length; d++) vector[d]! /= Math.sqrt(norm);
  return vector;
}

function embedIds(model: StaticModel, ids: readonly number[], idf: Float32Array): Float32Array {
  const vector = new Float32Array(model.dims);
  for (const id of ids) model.addRow(vector, id, idf[id]!);
  return normalise(vector);
}
