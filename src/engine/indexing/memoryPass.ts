// The memory pass: the model reads the indexed files, in order, into fast-weight memory shards. Shards whose
// files are unchanged are kept (a fast-weight table cannot un-write, so a changed stretch is rebuilt whole);
// new shards are written under temporary names and renamed, so a killed pass leaves only files the next
// successful index removes.
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { throwIfCancelled } from "../cancel";
import { LongLensError, describeError } from "../errors";
import type { StoredChunk } from "../chunk/indexedChunk";
import type { MemoryFactory } from "../memory/loadMemory";
import { encodeShard } from "../memory/shardFile";
import { temporaryPath } from "../store/atomicFile";
import type { CodeTokenizer } from "../model/tokenizer";
import { type LayoutFile, MEMORY_MAX_TOKENS, type MemoryUnit, SHARD_TOKENS, planMemory } from "./memoryLayout";
import { fileTokens } from "./memoryTokens";
import type { PieceSource } from "./prePipeline";
import { ShardReading } from "./shardReading";
import { writeShard } from "./writeShard";

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

export interface MemoryPassJob {
  /** Where new shards are written. */
  memoryDir: string;
  /** Indexed files in reading order (sorted by path), with their catalog token counts. */
  files: LayoutFile[];
  previous?: MemoryManifest;
  /** Most tokens per shard (default SHARD_TOKENS), and in all (default MEMORY_MAX_TOKENS). */
  shardTokens?: number;
  maxTokens?: number;
  /** Where the previous manifest's shard files are (by file name); a unit missing any of them is rebuilt. */
  previousShards?: ReadonlyMap<string, string>;
  readChunks(file: LayoutFile): AsyncIterable<StoredChunk>;
  signal?: AbortSignal;
  onProgress?(progress: MemoryProgress): void;
}

/** What writing shards takes; loaded only when some shard must be written. */
export interface MemoryModel {
  pre: PieceSource;
  memory: MemoryFactory;
  tokenizer: CodeTokenizer;
}

/** Readings of a unit: one for a group, consecutive stretches of at most shardTokens for a big file. A file whose
 * stored chunks cannot be read (a blob damaged or removed since the lexical pass) is left out and reported. */
async function* unitReadings(unit: MemoryUnit, job: MemoryPassJob, tokenizer: CodeTokenizer, warnings: string[]): AsyncGenerator<ShardReading> {
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

export interface PassPlan {
  units: MemoryUnit[];
  /** Units whose shards the previous memory has, by key. */
  kept: Map<string, MemoryManifest["units"][number]>;
  toBuild: MemoryUnit[];
  warnings: string[];
}

/** Which units the files make, and which of them the previous memory already holds. */
export function planPass(job: Omit<MemoryPassJob, "memoryDir" | "readChunks">, identity: string): PassPlan {
  const { units, leftOut } = planMemory(job.files, identity, job.shardTokens, job.maxTokens);
  const warnings: string[] = [];
  if (leftOut > 0 || units.some((u) => u.limit !== undefined)) {
    warnings.push(`The memory reads at most about ${(job.maxTokens ?? MEMORY_MAX_TOKENS).toLocaleString("en-US")} tokens: ${leftOut} file(s) at the end of the reading order${units.some((u) => u.limit !== undefined) ? " and the end of a large file" : ""} are found by keyword search only.`);
  }
  if (job.previous && job.previous.model !== identity) warnings.push("The stored memory was written by another model version; rebuilt it.");
  const previous = job.previous?.model === identity ? new Map(job.previous.units.map((u) => [u.key, u])) : new Map();
  const kept = new Map<string, MemoryManifest["units"][number]>();
  for (const unit of units) {
    const old = previous.get(unit.key);
    if (old && !old.incomplete && old.shards.every((s: ShardEntry) => job.previousShards?.has(s.file))) kept.set(unit.key, old);
  }
  return { units, kept, toBuild: units.filter((u) => !kept.has(u.key)), warnings };
}

/**
 * Keeps the previous memory's shards for unchanged units and writes the rest (loading the model only then).
 * `identity` names the model files whose rules write the shards (memoryModelIdentity).
 */
export async function memoryPass(job: MemoryPassJob, identity: string, loadModel: () => Promise<MemoryModel>): Promise<MemoryPassResult> {
  const started = performance.now();
  const { units, kept, toBuild, warnings } = planPass(job, identity);
  const model = toBuild.length > 0 ? await loadModel() : undefined;
  const tokensTotal = toBuild.reduce((sum, u) => sum + u.files.reduce((s, f) => s + f.tokens, 0), 0);
  let tokensDone = 0;
  let tokensWritten = 0;
  let shardsWritten = 0;
  const afterPiece = (tokens: number): void => {
    tokensDone += tokens;
    throwIfCancelled(job.signal);
    const seconds = (performance.now() - started) / 1000;
    job.onProgress?.({ tokensDone, tokensTotal: Math.max(tokensTotal, tokensDone), tokensPerSecond: seconds > 0 ? tokensDone / seconds : 0 });
  };
  if (model) await mkdir(job.memoryDir, { recursive: true });
  const manifest: MemoryManifest = { model: identity, tokens: 0, units: [] };
  for (const unit of units) {
    let entry = kept.get(unit.key);
    if (!entry) {
      entry = { key: unit.key, shards: [] };
      const before = warnings.length;
      for await (const reading of unitReadings(unit, job, model!.tokenizer, warnings)) {
        const data = await writeShard(reading, identity, model!.pre, model!.memory, afterPiece);
        const file = `${unit.key}-${entry.shards.length}.shard`;
        const target = path.join(job.memoryDir, file);
        const temporary = temporaryPath(target);
        await writeFile(temporary, encodeShard(data), { mode: 0o600 });
        await rename(temporary, target).catch(async (error: unknown) => {
          await rm(temporary, { force: true });
          throw error;
        });
        entry.shards.push({ file, tokens: data.header.tokens, subkeys: data.header.subkeys });
        tokensWritten += data.header.tokens;
        shardsWritten++;
      }
      if (warnings.length > before) entry.incomplete = true;
    }
    manifest.units.push(entry);
    manifest.tokens += entry.shards.reduce((sum, s) => sum + s.tokens, 0);
  }
  const seconds = (performance.now() - started) / 1000;
  const shards = manifest.units.flatMap((u) => u.shards);
  return {
    manifest,
    warnings,
    stats: {
      tokens: manifest.tokens,
      tokensWritten,
      shards: shards.length,
      shardsWritten,
      slots: shards.reduce((sum, s) => sum + s.subkeys * s.subkeys, 0),
      seconds,
      tokensPerSecond: seconds > 0 ? tokensWritten / seconds : 0,
    },
  };
}
