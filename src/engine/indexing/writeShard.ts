// One shard's memory pass: its projections come from the pre graph, a few pieces ahead on its own thread
// (PieceQueue), and each piece is written into a fresh table sized by the model's rule.
import { LongLensError } from "../errors";
import type { MemoryFactory } from "../memory/loadMemory";
import type { Projections } from "../memory/memoryTable";
import { SHARD_FORMAT, type ShardData } from "../memory/shardFile";
import { MEMORY_PIECE } from "../model/memoryModeReader";
import type { PieceSource } from "./prePipeline";
import type { ShardReading } from "./shardReading";

/** Pieces the pre graph may be ahead of the memory: enough to keep both threads busy, little memory. */
const PIECES_AHEAD = 4;

/**
 * The pieces of consecutive readings, submitted to the pre graph in order, PIECES_AHEAD ahead of the writes,
 * across shard boundaries: while one shard's last pieces are written and the shard is saved, the graph
 * already reads the next one's first pieces.
 */
export class PieceQueue {
  private readonly submitted: Promise<Projections>[] = [];
  private readonly readings: { reading: ShardReading; from: number }[] = [];

  constructor(private readonly pre: PieceSource) {}

  /** Queues a reading's pieces, after those of the readings added before it. */
  add(reading: ShardReading): void {
    if (reading.tokens > 0) this.readings.push({ reading, from: 0 });
    this.fill();
  }

  /** The projections of the next piece in order. */
  next(): Promise<Projections> {
    const piece = this.submitted.shift();
    this.fill();
    return piece ?? Promise.reject(new LongLensError("The memory pass asked for a piece no reading holds.", "MEMORY_PASS"));
  }

  private fill(): void {
    while (this.submitted.length < PIECES_AHEAD && this.readings.length > 0) {
      const at = this.readings[0]!;
      const piece = this.pre.read(at.reading.ids.slice(at.from, at.from + MEMORY_PIECE), at.from === 0);
      piece.catch(() => undefined); // awaited in order by next(); a failure is thrown there
      this.submitted.push(piece);
      at.from += MEMORY_PIECE;
      if (at.from >= at.reading.tokens) this.readings.shift();
    }
  }
}

/** Writes `reading` (already added to `pieces`) into a fresh table. */
export async function writeShard(
  reading: ShardReading,
  model: string,
  pieces: PieceQueue,
  memory: MemoryFactory,
  afterPiece: (tokens: number) => void,
): Promise<ShardData> {
  const table = memory.freshFor(reading.tokens);
  for (let s = 0; s < reading.tokens; s += MEMORY_PIECE) {
    await table.writePiece(memory.productKeys, await pieces.next());
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
