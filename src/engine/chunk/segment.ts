import { TARGET_CHARS, TARGET_LINES, windowIsFull } from "./chunkSize";

/** A run of whole lines (0-based rows, inclusive) that will become a chunk or part of one. */
export interface Segment {
  start: number;
  end: number;
  kind: string;
  symbols: string[];
}

/** Constant-time size questions about line ranges of one file. */
export class LineMeasure {
  private readonly charsBefore: number[];
  private readonly nonBlankBefore: number[];

  constructor(readonly lines: readonly string[]) {
    this.charsBefore = [0];
    this.nonBlankBefore = [0];
    for (const line of lines) {
      this.charsBefore.push(this.charsBefore[this.charsBefore.length - 1]! + line.length);
      this.nonBlankBefore.push(this.nonBlankBefore[this.nonBlankBefore.length - 1]! + (line.trim() ? 1 : 0));
    }
  }

  /** Characters in rows start..end, counting one per line break between them. */
  chars(start: number, end: number): number {
    return this.charsBefore[end + 1]! - this.charsBefore[start]! + (end - start);
  }

  isBlank(start: number, end: number): boolean {
    return this.nonBlankBefore[end + 1] === this.nonBlankBefore[start];
  }

  fits(start: number, end: number): boolean {
    return end - start + 1 <= TARGET_LINES && this.chars(start, end) <= TARGET_CHARS;
  }

  /** Rows start..end cut into full windows; windows of blank lines only are dropped. */
  windows(start: number, end: number, kind: string, symbols: string[] = []): Segment[] {
    const windows: Segment[] = [];
    let from = start;
    for (let row = start; row <= end + 1; row++) {
      const full = row > end || windowIsFull(row - from, this.chars(from, row - 1), this.lines[row]!.length + 1);
      if (!full) continue;
      if (row > from && !this.isBlank(from, row - 1)) {
        windows.push({ start: from, end: row - 1, kind, symbols: windows.length === 0 ? symbols : [] });
      }
      from = row;
    }
    return windows;
  }
}
