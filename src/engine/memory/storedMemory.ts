// A store's memory opened for questions: the generation's manifest and every shard, each verified (format,
// model, checksum) as it is read. Reading never writes: a question leaves the memory as the index left it.
import { readFile } from "node:fs/promises";
import { LongLensError } from "../errors";
import { MEMORY_MANIFEST, readMemoryManifest } from "../indexing/memoryIndex";
import type { ModelService } from "../model/modelService";
import { type ChunkVote, type LoadedShard, loadedShard, memoryVotes } from "./memoryVotes";
import { questionQueries } from "./questionQueries";
import { decodeShard } from "./shardFile";

export class StoredMemory {
  private constructor(readonly shards: readonly LoadedShard[], readonly tokens: number) {}

  /** The memory of a generation (its further files by name), or undefined when it has none. */
  static async open(extraFiles: ReadonlyMap<string, string>, model: ModelService): Promise<StoredMemory | undefined> {
    if (!extraFiles.has(MEMORY_MANIFEST)) return undefined;
    const manifest = await readMemoryManifest(extraFiles);
    if (!manifest) throw new LongLensError(`The index's ${MEMORY_MANIFEST} is unreadable; index again to rebuild the memory.`, "SHARD_INVALID");
    if (manifest.model !== model.identity) {
      throw new LongLensError("The index's memory was written by another model version; index again to rebuild it.", "SHARD_INVALID");
    }
    const shards: LoadedShard[] = [];
    for (const shard of manifest.units.flatMap((u) => u.shards)) {
      const file = extraFiles.get(shard.file);
      if (!file) throw new LongLensError(`The index's memory lacks shard ${shard.file}; index again to rebuild it.`, "SHARD_INVALID");
      // The store checked each generation file against its manifest when it opened the generation.
      shards.push(loadedShard(shard.file, decodeShard(await readFile(file), shard.file, model.identity, { values: false, checksum: false })));
    }
    return new StoredMemory(shards, manifest.tokens);
  }

  /** Chunks of the reading the question's memory reads point to, best first. */
  async votes(model: ModelService, questionIds: readonly number[]): Promise<ChunkVote[]> {
    if (questionIds.length === 0 || this.shards.length === 0) return [];
    const queries = await questionQueries(model.graphs, questionIds);
    return memoryVotes(this.shards, queries, model.memory.productKeys, model.config.model.mem_chunk);
  }
}
