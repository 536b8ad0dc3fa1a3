// Where a reading position of a shard came from: the part (file stretch) that holds it and the line.
import type { ShardData, ShardPart } from "./shardFile";

export interface SourcePlace {
  path: string;
  line: number;
}

export class ShardProvenance {
  /** Per part: its first position in the shard and where its marks start in lineMarks (in pairs). */
  private readonly partStarts: number[] = [];
  private readonly markStarts: number[] = [];

  constructor(private readonly parts: readonly ShardPart[], private readonly lineMarks: Uint32Array) {
    let position = 0;
    let marks = 0;
    for (const part of parts) {
      this.partStarts.push(position);
      this.markStarts.push(marks);
      position += part.to - part.from;
      marks += part.lines;
    }
  }

  static of(shard: ShardData): ShardProvenance {
    return new ShardProvenance(shard.header.parts, shard.lineMarks);
  }

  /** The file and line of the token at `position` (within the shard), or undefined past its end. */
  place(position: number): SourcePlace | undefined {
    const p = lastAtMost(this.partStarts.length, (i) => this.partStarts[i]!, position);
    const part = this.parts[p];
    if (!part || position - this.partStarts[p]! >= part.to - part.from) return undefined;
    const offset = position - this.partStarts[p]!;
    const first = this.markStarts[p]!;
    const m = lastAtMost(part.lines, (i) => this.lineMarks[2 * (first + i)]!, offset);
    return { path: part.path, line: this.lineMarks[2 * (first + Math.max(0, m)) + 1]! };
  }

  /**
   * The lines of `path` that reading positions [start, end) span: a memory chunk may span two files, so its
   * ends are the first and last of its tokens that came from `path` (`fallback` when none did).
   */
  linesIn(start: number, end: number, path: string, fallback: number): [number, number] {
    const lineAt = (from: number, step: number): number => {
      for (let p = from; p >= start && p < end; p += step) {
        const place = this.place(p);
        if (place?.path === path) return place.line;
      }
      return fallback;
    };
    return [lineAt(start, 1), lineAt(end - 1, -1)];
  }
}

/** The largest i in [0, n) with key(i) <= value (keys ascending), or -1. */
function lastAtMost(n: number, key: (i: number) => number, value: number): number {
  let lo = 0;
  let hi = n - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(mid) <= value) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
