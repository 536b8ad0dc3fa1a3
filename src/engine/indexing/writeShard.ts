// One shard's memory pass: the pre graph reads the shard's tokens in memory mode, piece by piece, and each
// piece's projections are written into a fresh table sized by the model's rule.
import type { MemoryFactory } from "../memory/loadMemory";
import { type ShardData, SHARD_FORMAT } from "../memory/shardFile";
import { MEMORY_PIECE, MemoryModeReader } from "../model/memoryModeReader";
import type { ModelGraphs } from "../model/modelGraphs";
import type { ShardReading } from "./shardReading";

export async function writeShard(
  reading: ShardReading,
  model: string,
  graphs: ModelGraphs,
  memory: MemoryFactory,
  afterPiece: (tokens: number) => void,
): Promise<ShardData> {
  const table = memory.freshFor(reading.tokens);
  const reader = new MemoryModeReader(graphs);
  for (let s = 0; s < reading.tokens; s += MEMORY_PIECE) {
    const piece = reading.ids.slice(s, s + MEMORY_PIECE);
    await table.writePiece(memory.productKeys, await reader.read(piece));
    afterPiece(piece.length);
  }
  return {
    header: {
      format: SHARD_FORMAT,
      model,
      subkeys: table.subkeys,
      keyDim: memory.rules.keyDim,
      valueDim: memory.rules.valueDim,
      tokens: reading.tokens,
      parts: reading.parts,
    },
    keys: table.keys,
    values: table.values,
    writer: table.writer,
    hits: table.hits,
    lineMarks: Uint32Array.from(reading.lineMarks),
  };
}
