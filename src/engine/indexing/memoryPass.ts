// The memory pass: the model reads the indexed files, in order, into fast-weight memory shards. Shards whose
// files are unchanged are kept (a fast-weight table cannot un-write, so a changed stretch is rebuilt whole);
// new shards are written under temporary names and renamed, so a killed pass leaves only files the next
// successful index removes. The files may arrive while they are still being indexed: each unit is written as
// soon as the files that close it are known.
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { AsyncQueue } from "../asyncQueue";
import { throwIfCancelled } from "../cancel";
import { LongLensError, describeError } from "../errors";
import type { StoredChunk } from "../chunk/indexedChunk";
import type { MemoryFactory } from "../memory/loadMemory";
import { encodeShard } from "../memory/shardFile";
import { temporaryPath } from "../store/atomicFile";
import type { CodeTokenizer } from "../model/tokenizer";
import { type LayoutFile, MEMORY_MAX_TOKENS, MemoryPlanner, type MemoryUnit, SHARD_TOKENS } from "./memoryLayout";
import { fileTokens } from "./memoryTokens";
import type { PieceSource } from "./prePipeline";
import { ShardReading } from "./shardReading";
import { PieceQueue, writeShard } from "./writeShard";

/** What a generation records of its memory: the model that wrote it and its shards in reading order. */
export interface MemoryManifest {
  model: string;
  tokens: number;
  /** incomplete: a file of the unit could not be read, so the next index writes the unit again. */
  units: { key: string; shards: ShardEntry[]; incomplete?: boolean }[];
}

export interface ShardEntry {
  /** File name in the generation's folder (and, while the pass runs, in its own folder). */
  file: string;
  tokens: number;
  subkeys: number;
}

export interface MemoryProgress {
  tokensDone: number;
  tokensTotal: number;
  tokensPerSecond: number;
}

export interface MemoryStats {
  tokens: number;
  tokensWritten: number;
  shards: number;
  shardsWritten: number;
  slots: number;
  seconds: number;
  tokensPerSecond: number;
}

/** One unit's place in a manifest: its shards in reading order. */
export type UnitShards = MemoryManifest["units"][number];

export interface MemoryPassJob {
  /** Indexed files in reading order (sorted by path), with their catalog token counts; may still be arriving. */
  files: AsyncIterable<LayoutFile> | Iterable<LayoutFile>;
  previous?: MemoryManifest;
  /** Most tokens per shard (default SHARD_TOKENS), and in all (default MEMORY_MAX_TOKENS). */
  shardTokens?: number;
  maxTokens?: number;
  /** Where the previous manifest's shard files are (by file name); a unit missing any of them is rebuilt. */
  previousShards?: ReadonlyMap<string, string>;
}

/** What writing units' shards takes besides the model. */
export interface UnitWriteJob {
  /** Where new shards are written. */
  memoryDir: string;
  shardTokens?: number;
  readChunks(file: LayoutFile): AsyncIterable<StoredChunk>;
  signal?: AbortSignal;
  onProgress?(progress: MemoryProgress): void;
}

export interface WrittenUnits {
  units: UnitShards[];
  warnings: string[];
}

/** Writes the units it is given, as a stream, and returns their shards; started only when some unit must be written. */
export type UnitWriter = (units: AsyncIterable<MemoryUnit>) => Promise<WrittenUnits>;

/** What writing shards takes; loaded only when some shard must be written. */
export interface MemoryModel {
  pre: PieceSource;
  memory: MemoryFactory;
  tokenizer: CodeTokenizer;
}

/** Readings of a unit: one for a group, consecutive stretches of at most shardTokens for a big file. A file whose
 * stored chunks cannot be read (a blob damaged or removed since the lexical pass) is left out and reported. */
async function* unitReadings(unit: MemoryUnit, job: UnitWriteJob, tokenizer: CodeTokenizer, warnings: string[]): AsyncGenerator<ShardReading> {
  const most = job.shardTokens ?? SHARD_TOKENS;
  let reading = new ShardReading();
  for (const file of unit.files) {
    reading.startPart(file.path, file.hash, 0);
    let fileOffset = 0;
    try {
      file: for await (const run of fileTokens(job.readChunks(file), tokenizer)) {
        for (let i = 0; i < run.ids.length; ) {
          if (unit.limit !== undefined && fileOffset >= unit.limit) break file; // stops reading the file too
          const room = unit.kind === "stretches" ? most - reading.tokens : run.ids.length - i;
          const take = Math.min(room, run.ids.length - i, (unit.limit ?? Infinity) - fileOffset);
          reading.add(run, i, i + take);
          i += take;
          fileOffset += take;
          if (unit.kind === "stretches" && reading.tokens >= most) {
            yield reading;
            reading = new ShardReading();
            reading.startPart(file.path, file.hash, fileOffset);
          }
        }
      }
    } catch (error) {
      if (error instanceof LongLensError && error.code === "CANCELLED") throw error;
      warnings.push(`${file.path} was left out of the memory: its stored chunks could not be read (${describeError(error)}); the next index reads it again.`);
      reading.dropOpenPart();
    }
  }
  if (reading.tokens > 0) yield reading;
}

export interface MemoryPassResult {
  manifest: MemoryManifest;
  stats: MemoryStats;
  warnings: string[];
}

/** Progress is reported at most this often: a piece takes a few milliseconds, a message to the caller's thread costs. */
const PROGRESS_EVERY_MS = 50;

/** A unit's readings in order, then its end (incomplete: a file of it could not be read). */
type ReadingStep = { unit: MemoryUnit; reading: ShardReading } | { unit: MemoryUnit; end: true; incomplete: boolean };

/** Every unit's readings, each added to `pieces` as soon as it is tokenised. */
async function* readingSteps(units: AsyncIterable<MemoryUnit>, job: UnitWriteJob, tokenizer: CodeTokenizer, pieces: PieceQueue, warnings: string[]): AsyncGenerator<ReadingStep> {
  for await (const unit of units) {
    const before = warnings.length;
    for await (const reading of unitReadings(unit, job, tokenizer, warnings)) {
      pieces.add(reading);
      yield { unit, reading };
    }
    yield { unit, end: true, incomplete: warnings.length > before };
  }
}

/**
 * Writes each unit's shards with a loaded model, unit by unit as they arrive. The next reading is tokenised
 * while this one is written (between its pieces), so the pre graph never waits for the memory's thread.
 */
export async function writeUnits(units: AsyncIterable<MemoryUnit>, job: UnitWriteJob, identity: string, model: MemoryModel): Promise<WrittenUnits> {
  const started = performance.now();
  const warnings: string[] = [];
  const written: UnitShards[] = [];
  await mkdir(job.memoryDir, { recursive: true });
  let tokensDone = 0;
  let reported = 0;
  const afterPiece = (tokens: number): void => {
    tokensDone += tokens;
    throwIfCancelled(job.signal);
    const now = performance.now();
    if (now - reported < PROGRESS_EVERY_MS) return;
    reported = now;
    const seconds = (now - started) / 1000;
    job.onProgress?.({ tokensDone, tokensTotal: Math.max(tokensTotal, tokensDone), tokensPerSecond: seconds > 0 ? tokensDone / seconds : 0 });
  };
  let tokensTotal = 0;
  const counted = (async function* () {
    for await (const unit of units) {
      tokensTotal += unit.files.reduce((sum, f) => sum + f.tokens, 0);
      yield unit;
    }
  })();
  const pieces = new PieceQueue(model.pre);
  const steps = readingSteps(counted, job, model.tokenizer, pieces, warnings)[Symbol.asyncIterator]();
  // Two steps asked ahead: past a unit's end, the next unit's first reading is tokenised during this write.
  const ahead: Promise<IteratorResult<ReadingStep>>[] = [];
  const askAhead = (): void => {
    while (ahead.length < 2) {
      const step = steps.next();
      step.catch(() => undefined); // awaited in order below
      ahead.push(step);
    }
  };
  let entry: UnitShards | undefined;
  askAhead();
  for (let step = await ahead.shift()!; !step.done; step = await ahead.shift()!) {
    askAhead();
    const { unit } = step.value;
    entry ??= { key: unit.key, shards: [] };
    if ("end" in step.value) {
      if (step.value.incomplete) entry.incomplete = true;
      written.push(entry);
      entry = undefined;
      continue;
    }
    const data = await writeShard(step.value.reading, identity, pieces, model.memory, afterPiece);
    const file = `${unit.key}-${entry.shards.length}.shard`;
    const target = path.join(job.memoryDir, file);
    const temporary = temporaryPath(target);
    await writeFile(temporary, encodeShard(data), { mode: 0o600 });
    await rename(temporary, target).catch(async (error: unknown) => {
      await rm(temporary, { force: true });
      throw error;
    });
    entry.shards.push({ file, tokens: data.header.tokens, subkeys: data.header.subkeys });
  }
  return { units: written, warnings };
}

/**
 * Plans the units as the files arrive, keeps the previous memory's shards for unchanged units and has
 * `write` write the rest (so the model is loaded only when some unit must be written). `identity` names the
 * model files whose rules write the shards (memoryModelIdentity).
 */
export async function memoryPass(job: MemoryPassJob, identity: string, write: UnitWriter): Promise<MemoryPassResult> {
  const planner = new MemoryPlanner(identity, job.shardTokens, job.maxTokens);
  const warnings: string[] = [];
  if (job.previous && job.previous.model !== identity) warnings.push("The stored memory was written by another model version; rebuilt it.");
  const previous = new Map(job.previous?.model === identity ? job.previous.units.map((u) => [u.key, u]) : []);
  // The manifest's units in reading order: kept ones as they were, written ones by key until they are written.
  const order: (UnitShards | string)[] = [];
  let toWrite: AsyncQueue<MemoryUnit> | undefined;
  let writing: Promise<WrittenUnits> | undefined;
  let started = 0;
  const take = (unit: MemoryUnit): void => {
    const old = previous.get(unit.key);
    if (old && !old.incomplete && old.shards.every((s) => job.previousShards?.has(s.file))) {
      order.push(old);
      return;
    }
    if (!toWrite) {
      started = performance.now();
      toWrite = new AsyncQueue();
      writing = write(toWrite);
      writing.catch(() => undefined); // awaited below, once every file has arrived
    }
    toWrite.push(unit);
    order.push(unit.key);
  };
  let last: string | undefined;
  try {
    for await (const file of job.files) {
      if (last !== undefined && file.path <= last) throw new LongLensError(`The memory's files came out of order (${file.path} after ${last}).`, "MEMORY_PASS");
      last = file.path;
      for (const unit of planner.add(file)) take(unit);
    }
    for (const unit of planner.finish()) take(unit);
  } catch (error) {
    toWrite?.fail(error); // the writer stops at its next piece, or before its first
    throw error;
  }
  toWrite?.end();
  const written = writing ? await writing : { units: [], warnings: [] };
  if (planner.leftOut > 0 || planner.cutShort) {
    warnings.push(`The memory reads at most about ${(job.maxTokens ?? MEMORY_MAX_TOKENS).toLocaleString("en-US")} tokens: ${planner.leftOut} file(s) at the end of the reading order${planner.cutShort ? " and the end of a large file" : ""} are found by keyword search only.`);
  }
  const byKey = new Map(written.units.map((u) => [u.key, u]));
  const units = order.map((u) => (typeof u === "string" ? byKey.get(u)! : u));
  const shards = units.flatMap((u) => u.shards);
  const writtenShards = written.units.flatMap((u) => u.shards);
  const tokensWritten = writtenShards.reduce((sum, s) => sum + s.tokens, 0);
  const tokens = shards.reduce((sum, s) => sum + s.tokens, 0);
  const seconds = writing ? (performance.now() - started) / 1000 : 0;
  return {
    manifest: { model: identity, tokens, units },
    warnings: [...warnings, ...written.warnings],
    stats: {
      tokens,
      tokensWritten,
      shards: shards.length,
      shardsWritten: writtenShards.length,
      slots: shards.reduce((sum, s) => sum + s.subkeys * s.subkeys, 0),
      seconds,
      tokensPerSecond: seconds > 0 ? tokensWritten / seconds : 0,
    },
  };
}
