// Which files each memory shard reads: a pure function of the files (in reading order) and their token
// counts, so an incremental index and a fresh index of the same tree agree shard for shard. Small files are
// packed into groups; a file too big for one group is read alone into consecutive shards of SHARD_TOKENS.
// A group also ends before an "anchor" file (1 path in 8, by hash) once it is three quarters full, so an edit
// that shifts a boundary changes the groups only up to the next anchor, not every group after it.
import { createHash } from "node:crypto";

/**
 * Tokens a shard reads at most by default: its table then has a slot per token (128^2), the model's rule.
 * Chosen by measurement (12 single needles in 147K held-out tokens, located by the memory's best chunk):
 * 65,536-token shards (256^2) located 10 exact / 9 paraphrased, 32,768 and 16,384 all 12 / 12, the last with
 * the fewest slots: a table written over fewer tokens holds each of them more cleanly.
 */
export const SHARD_TOKENS = 16_384;
/** Packing counts the catalog's tokens; memory reading adds line ends and an end-of-text per file. */
const PACK_SHARE = 0.9;

export interface LayoutFile {
  path: string;
  hash: string;
  tokens: number;
  /** The stored chunks the memory reads (a blob reference of the store). */
  chunksKey: string;
  blobSha256: string;
}

/** Tokens the memory reads at most by default (256 full shards, ~2.2 MB each): beyond, files are found lexically only. */
export const MEMORY_MAX_TOKENS = 4_194_304;

/** A run of files read into one shard (group), or one big file read into consecutive shards (stretches). */
export interface MemoryUnit {
  key: string;
  kind: "group" | "stretches";
  files: LayoutFile[];
  /** For stretches cut short by the memory's limit: the most tokens of the file to read. */
  limit?: number;
}

const isAnchor = (path: string): boolean => createHash("sha256").update(path).digest()[0]! < 32;

function unitKey(model: string, shardTokens: number, kind: MemoryUnit["kind"], files: readonly LayoutFile[], limit?: number): string {
  const hash = createHash("sha256").update(`${model}\n${shardTokens}\n${kind}\n${limit ?? ""}\n`);
  for (const f of files) hash.update(`${f.path}\0${f.hash}\n`);
  return hash.digest("hex").slice(0, 32);
}

/**
 * Cuts files, given one at a time in reading order (sorted by path), into units: each add() returns the units
 * the file closed, finish() the last. Token counts are the catalog's, so the memory's limit is approximate.
 * Incremental, so the memory pass can write a unit while later files are still being indexed.
 */
export class MemoryPlanner {
  /** Files left out because the memory's limit was reached (answered lexically only). */
  leftOut = 0;
  /** Whether a large file was cut short by the limit. */
  cutShort = false;
  private readonly pack: number;
  private group: LayoutFile[] = [];
  private groupTokens = 0;
  private planned = 0;

  constructor(private readonly model: string, private readonly shardTokens = SHARD_TOKENS, private readonly maxTokens = MEMORY_MAX_TOKENS) {
    this.pack = Math.floor(shardTokens * PACK_SHARE);
  }

  add(file: LayoutFile): MemoryUnit[] {
    const { model, shardTokens, pack } = this;
    if (this.leftOut > 0) {
      this.leftOut++;
      return [];
    }
    const room = this.maxTokens - this.planned - this.groupTokens;
    if (room < Math.min(file.tokens, shardTokens / 8)) {
      this.leftOut = 1;
      return this.close();
    }
    if (file.tokens > pack) {
      const units = this.close();
      const limit = file.tokens > room ? room : undefined;
      if (limit) this.cutShort = true;
      units.push({ key: unitKey(model, shardTokens, "stretches", [file], limit), kind: "stretches", files: [file], ...(limit ? { limit } : {}) });
      this.planned += Math.min(file.tokens, room);
      return units;
    }
    const units = this.groupTokens + file.tokens > pack || (this.groupTokens >= 0.75 * pack && isAnchor(file.path)) ? this.close() : [];
    this.group.push(file);
    this.groupTokens += file.tokens;
    return units;
  }

  finish(): MemoryUnit[] {
    return this.close();
  }

  private close(): MemoryUnit[] {
    const { group } = this;
    const units: MemoryUnit[] = group.length ? [{ key: unitKey(this.model, this.shardTokens, "group", group), kind: "group", files: group }] : [];
    this.planned += this.groupTokens;
    this.group = [];
    this.groupTokens = 0;
    return units;
  }
}
