// One shard's memory pass: the pre graph reads the shard's tokens in memory mode, piece by piece (a few pieces
// ahead, on its own thread), and each piece's projections are written into a fresh table sized by the model's rule.
import type { MemoryFactory } from "../memory/loadMemory";
import type { Projections } from "../memory/memoryTable";
import { SHARD_FORMAT, type ShardData } from "../memory/shardFile";
import { MEMORY_PIECE } from "../model/memoryModeReader";
import type { PieceSource } from "./prePipeline";
import type { ShardReading } from "./shardReading";

/** Pieces the pre graph may be ahead of the memory: enough to keep both threads busy, little memory. */
const PIECES_AHEAD = 3;

export async function writeShard(
  reading: ShardReading,
  model: string,
  pre: PieceSource,
  memory: MemoryFactory,
  afterPiece: (tokens: number) => void,
): Promise<ShardData> {
  const table = memory.freshFor(reading.tokens);
  const ahead: Promise<Projections>[] = [];
  let submitted = 0;
  const submit = (): void => {
    if (submitted >= reading.tokens) return;
    const piece = pre.read(reading.ids.slice(submitted, submitted + MEMORY_PIECE), submitted === 0);
    piece.catch(() => undefined); // awaited below in order; a failure is thrown there
    ahead.push(piece);
    submitted += MEMORY_PIECE;
  };
  for (let i = 0; i < PIECES_AHEAD; i++) submit();
  for (let s = 0; s < reading.tokens; s += MEMORY_PIECE) {
    const projections = await ahead.shift()!;
    submit();
    await table.writePiece(memory.productKeys, projections);
    afterPiece(Math.min(MEMORY_PIECE, reading.tokens - s));
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
