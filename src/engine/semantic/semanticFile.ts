// The semantic vectors as a file of the store's generation, written at index time so that the first question
// does not embed every chunk. A JSON header (static table digest, dims, chunk ids) after its byte length, then
// per index its IDF (f32 x vocab), mean vector (f32 x dims), a scale per chunk (f32) and int8 rows. The
// store verifies the file's sha256; one that is damaged, absent or made by another table is rebuilt in memory.
import { readFile } from "node:fs/promises";
import type { SemanticParts } from "./semanticIndex";

export const SEMANTIC_FILE = "semantic.bin";
const FORMAT = "longlens-semantic-1";

interface Header {
  format: string;
  model: string;
  dims: number;
  vocab: number;
  ids: string[];
  indexes: string[];
}

/** Named indexes over the same chunk ids, in the same order. */
export type SemanticSet = Record<string, SemanticParts>;

function quantised(vectors: Float32Array, rows: number, dims: number): { scales: Float32Array; values: Int8Array } {
  const scales = new Float32Array(rows);
  const values = new Int8Array(rows * dims);
  for (let row = 0; row < rows; row++) {
    let max = 0;
    for (let d = 0; d < dims; d++) max = Math.max(max, Math.abs(vectors[row * dims + d]!));
    const scale = max / 127 || 1;
    scales[row] = scale;
    for (let d = 0; d < dims; d++) values[row * dims + d] = Math.round(vectors[row * dims + d]! / scale);
  }
  return { scales, values };
}

const bytes = (array: Float32Array | Int8Array): Buffer => Buffer.from(array.buffer, array.byteOffset, array.byteLength);

export function encodeSemantic(model: string, dims: number, vocab: number, set: SemanticSet): Buffer {
  const names = Object.keys(set);
  const ids = [...set[names[0]!]!.ids];
  const header = Buffer.from(JSON.stringify({ format: FORMAT, model, dims, vocab, ids, indexes: names } satisfies Header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const parts: Uint8Array[] = [length, header];
  for (const name of names) {
    const { vectors, idf, mean } = set[name]!;
    const { scales, values } = quantised(vectors, ids.length, dims);
    parts.push(bytes(idf), bytes(mean), bytes(scales), bytes(values));
  }
  return Buffer.concat(parts);
}

/** The indexes of a semantic file made with the table `model`; undefined when it is absent, unreadable or not that table's. */
export async function readSemantic(file: string | undefined, model: string): Promise<SemanticSet | undefined> {
  if (!file) return undefined;
  try {
    const data = await readFile(file);
    const headerLength = data.readUInt32LE(0);
    const header = JSON.parse(data.subarray(4, 4 + headerLength).toString("utf8")) as Header;
    if (header.format !== FORMAT || header.model !== model) return undefined;
    const { dims, vocab, ids } = header;
    let at = 4 + headerLength;
    // Copies, so every typed array starts aligned.
    const take = (length: number): Uint8Array => {
      if (at + length > data.length) throw new RangeError("truncated");
      const out = new Uint8Array(data.subarray(at, at + length));
      at += length;
      return out;
    };
    const set: SemanticSet = {};
    for (const name of header.indexes) {
      const idf = new Float32Array(take(vocab * 4).buffer);
      const mean = new Float32Array(take(dims * 4).buffer);
      const scales = new Float32Array(take(ids.length * 4).buffer);
      const values = new Int8Array(take(ids.length * dims).buffer);
      const vectors = new Float32Array(ids.length * dims);
      for (let i = 0; i < vectors.length; i++) vectors[i] = values[i]! * scales[Math.floor(i / dims)]!;
      set[name] = { ids, vectors, idf, mean };
    }
    return at === data.length ? set : undefined;
  } catch {
    return undefined; // rebuilt from the chunks instead
  }
}
