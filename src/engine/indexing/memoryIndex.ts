// The memory pass as part of an index run: it reads the catalog's files into shards, while the run indexes
// later files, and hands them to the new generation (memory.json plus one file per shard). A shard kept from the previous generation is linked,
// not copied; new ones are renamed in from the pass's own folder, which the store's clean-up removes if a run dies.
import { copyFile, link, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { LongLensError } from "../errors";
import type { CatalogFile } from "../store/catalog";
import type { GenerationFile } from "../store/writeGeneration";
import { temporaryPath } from "../store/atomicFile";
import { MEMORY_PASS_DIR, type StoreLayout } from "../store/storeLayout";
import type { LayoutFile } from "./memoryLayout";
import type { MemoryManifest, MemoryProgress, MemoryStats } from "./memoryPass";
import { memoryModelIdentity } from "../memory/modelIdentity";
import { readModelConfig } from "../model/modelConfig";
import { memoryPass } from "./memoryPass";
import { runMemoryPass } from "./runMemoryPass";

export const MEMORY_MANIFEST = "memory.json";

export interface MemoryOptions {
  modelsDir: string;
  threads: number;
  shardTokens?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  onProgress?: (progress: MemoryProgress) => void;
}

export interface MemoryOutcome {
  files: GenerationFile[];
  stats: MemoryStats;
  warnings: string[];
  /** Removes the pass's folder, once the new generation holds its shards or the run has failed. */
  cleanup(): Promise<void>;
}

/** The previous generation's memory manifest, if it has a usable one. */
export async function readMemoryManifest(extraFiles: ReadonlyMap<string, string> | undefined): Promise<MemoryManifest | undefined> {
  const file = extraFiles?.get(MEMORY_MANIFEST);
  if (!file) return undefined;
  try {
    const manifest = JSON.parse(await readFile(file, "utf8")) as MemoryManifest;
    return typeof manifest.model === "string" && Array.isArray(manifest.units) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

async function* layoutFiles(files: AsyncIterable<CatalogFile>): AsyncGenerator<LayoutFile> {
  for await (const f of files) yield { path: f.path, hash: f.hash, tokens: f.tokens, chunksKey: f.chunksKey, blobSha256: f.blobSha256 };
}

/** `catalogFiles`: the new catalog's files in reading order (sorted by path), arriving as the run indexes them. */
export async function buildMemory(
  layout: StoreLayout,
  catalogFiles: AsyncIterable<CatalogFile>,
  previousFiles: ReadonlyMap<string, string> | undefined,
  options: MemoryOptions,
): Promise<MemoryOutcome> {
  const previous = await readMemoryManifest(previousFiles);
  const staging = temporaryPath(path.join(layout.dir, MEMORY_PASS_DIR));
  const reused = new Map([...(previousFiles ?? new Map<string, string>())].filter(([name]) => name.endsWith(".shard")));
  const identity = memoryModelIdentity(readModelConfig(options.modelsDir));
  const worker = {
    storeDir: layout.dir, memoryDir: staging, modelsDir: options.modelsDir, threads: options.threads,
    ...(options.shardTokens ? { shardTokens: options.shardTokens } : {}),
  };
  try {
    const job = {
      files: layoutFiles(catalogFiles),
      previousShards: reused,
      ...(previous ? { previous } : {}),
      ...(options.shardTokens ? { shardTokens: options.shardTokens } : {}),
      ...(options.maxTokens ? { maxTokens: options.maxTokens } : {}),
    };
    // The worker (and the model) start only when some unit must be written.
    const { manifest, stats, warnings } = await memoryPass(job, identity, (units) => runMemoryPass(worker, units, options.signal, options.onProgress));
    const generationFiles: GenerationFile[] = [
      { name: MEMORY_MANIFEST, write: (target) => writeJson(target, manifest) },
      ...manifest.units.flatMap((unit) => unit.shards).map((shard): GenerationFile => ({
        name: shard.file,
        write: async (target) => {
          const old = reused.get(shard.file);
          if (old) await link(old, target).catch(() => copyFile(old, target));
          else await rename(path.join(staging, shard.file), target);
        },
      })),
    ];
    return { files: generationFiles, stats, warnings, cleanup: () => rm(staging, { recursive: true, force: true }) };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error instanceof LongLensError ? error : new LongLensError(`The memory pass failed: ${String(error)}`, "MEMORY_PASS");
  }
}

async function writeJson(target: string, value: unknown): Promise<void> {
  await writeFile(target, `${JSON.stringify(value)}\n`, { mode: 0o600 });
}
