// A question's memory queries: its tokens through the pre graph in memory mode, read as a document of its own
// (after an end-of-text, as a file boundary looks in the reading), so no shard's context leaks into it.
import { MEMORY_PIECE, MemoryModeReader } from "../model/memoryModeReader";
import type { ModelGraphs } from "../model/modelGraphs";
import { END_OF_TEXT } from "../model/tokenizer";

export async function questionQueries(graphs: ModelGraphs, ids: readonly number[]): Promise<Float32Array> {
  const reader = new MemoryModeReader(graphs);
  const tokens = [END_OF_TEXT, ...ids];
  const K = graphs.config.model.mem_kdim;
  const out = new Float32Array(ids.length * K);
  for (let s = 0; s < tokens.length; s += MEMORY_PIECE) {
    const { queries } = await reader.read(tokens.slice(s, s + MEMORY_PIECE));
    // Row r of this piece is token s + r; token 0 (the end-of-text) asks nothing.
    const from = s === 0 ? 1 : 0;
    out.set(queries.subarray(from * K), (s + from - 1) * K);
  }
  return out;
}
