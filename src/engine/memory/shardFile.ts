// A memory shard on disk: one fast-weight table written over a contiguous stretch of the reading order,
// self-contained so it can be verified, reused across index runs, or built on another machine and added:
//
//   "LLSHARD\n" | u32 header bytes | header JSON | body sections | sha256 of everything before it (32 bytes)
//
// Body sections, little-endian, in the header's order: keys f32 (2, n, K/2); values f16 (n^2, V); writer i32
// (n^2: reading position within the shard of the token each slot was last written for, -1 never); hits u32
// (n^2); lineMarks u32 pairs (per part: offset from the part's first token, line), where each line's tokens begin.
import { createHash } from "node:crypto";
import { LongLensError } from "../errors";
import { decodeHalf, encodeHalf } from "./float16";

export const SHARD_MAGIC = "LLSHARD\n";
export const SHARD_FORMAT = 1;

/** A stretch of one file inside a shard: tokens [from, to) of the file's memory tokens. */
export interface ShardPart {
  path: string;
  /** sha256 of the file's contents (as in the catalog). */
  hash: string;
  from: number;
  to: number;
  /** How many (offset, line) marks the part has in lineMarks. */
  lines: number;
}

export interface ShardHeader {
  format: number;
  /** Identifies the model files whose rules and projections wrote the shard (see modelIdentity). */
  model: string;
  subkeys: number;
  keyDim: number;
  valueDim: number;
  /** Tokens read (the parts' token ranges add up to it); where the shard sits in an index is the index's business. */
  tokens: number;
  parts: ShardPart[];
}

export interface ShardData {
  header: ShardHeader;
  keys: Float32Array;
  values: Float32Array;
  writer: Int32Array;
  hits: Uint32Array;
  lineMarks: Uint32Array;
}

const bytesOf = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function encodeShard(data: ShardData): Buffer {
  const header = Buffer.from(JSON.stringify(data.header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const body = [data.keys, encodeHalf(data.values), data.writer, data.hits, data.lineMarks].map(bytesOf);
  const content = Buffer.concat([Buffer.from(SHARD_MAGIC, "latin1"), length, header, ...body]);
  return Buffer.concat([content, createHash("sha256").update(content).digest()]);
}

function refuse(name: string, why: string): never {
  throw new LongLensError(`Memory shard ${name} ${why}.`, "SHARD_INVALID");
}

/** Copies `count` elements of a typed array out of bytes (the buffer may be unaligned for the type). */
function section<T>(bytes: Buffer, at: number, count: number, size: number, make: (b: ArrayBuffer) => T): T {
  const copy = new ArrayBuffer(count * size);
  bytes.copy(Buffer.from(copy), 0, at, at + count * size);
  return make(copy);
}

/**
 * Parses and verifies a shard; a damaged, foreign-format or other-model shard is refused with the reason.
 * Without `values` the value table is skipped (left empty): a question reads only keys and provenance. Without
 * `checksum` its trailer is not checked: for a file whose bytes were already checked as a whole (a store checks
 * its generation's files against the manifest), so no question hashes a shard twice.
 */
export function decodeShard(bytes: Buffer, name: string, model: string, { values: withValues = true, checksum = true } = {}): ShardData {
  if (bytes.length < SHARD_MAGIC.length + 4 + 32 || bytes.toString("latin1", 0, SHARD_MAGIC.length) !== SHARD_MAGIC) {
    refuse(name, "is not a LongLens memory shard");
  }
  const content = bytes.subarray(0, bytes.length - 32);
  if (checksum && !createHash("sha256").update(content).digest().equals(bytes.subarray(bytes.length - 32))) refuse(name, "fails its checksum (damaged or truncated)");
  const headerLength = bytes.readUInt32LE(SHARD_MAGIC.length);
  let header: ShardHeader;
  try {
    header = JSON.parse(bytes.toString("utf8", SHARD_MAGIC.length + 4, SHARD_MAGIC.length + 4 + headerLength)) as ShardHeader;
  } catch {
    refuse(name, "has an unreadable header");
  }
  if (header.format !== SHARD_FORMAT) refuse(name, `has format ${String(header.format)}; this LongLens reads format ${SHARD_FORMAT}`);
  if (header.model !== model) refuse(name, "was written by another model version");
  const slots = header.subkeys * header.subkeys;
  const lines = header.parts.reduce((sum, part) => sum + part.lines, 0);
  let at = SHARD_MAGIC.length + 4 + headerLength;
  const take = <T>(count: number, size: number, make: (b: ArrayBuffer) => T): T => {
    if (at + count * size > content.length) refuse(name, "is shorter than its header says");
    const out = section(bytes, at, count, size, make);
    at += count * size;
    return out;
  };
  const keys = take(2 * header.subkeys * (header.keyDim / 2), 4, (b) => new Float32Array(b));
  let values: Float32Array = new Float32Array(0);
  if (withValues) values = decodeHalf(take(slots * header.valueDim, 2, (b) => new Uint16Array(b)));
  else at += slots * header.valueDim * 2;
  const writer = take(slots, 4, (b) => new Int32Array(b));
  const hits = take(slots, 4, (b) => new Uint32Array(b));
  const lineMarks = take(2 * lines, 4, (b) => new Uint32Array(b));
  if (at !== content.length) refuse(name, "is longer than its header says");
  return { header, keys, values, writer, hits, lineMarks };
}
