// A source file's text as answers read it: lines (1-based, ending at \n, \r\n or a lone \r, as editors count
// them) and columns (1-based UTF-16 code units, as editors index them).

export class SourceText {
  private starts: number[] | undefined;

  constructor(readonly text: string) {}

  private get lineStarts(): number[] {
    if (!this.starts) {
      this.starts = [0];
      for (const match of this.text.matchAll(/\r\n|\r|\n/g)) this.starts.push(match.index! + match[0].length);
    }
    return this.starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Offset of the first character of `line`, clamped to the file. */
  lineStart(line: number): number {
    const starts = this.lineStarts;
    return starts[Math.min(Math.max(1, line), starts.length) - 1]!;
  }

  /** The text of lines first..last (inclusive, clamped to the file), line breaks between them kept. */
  lines(first: number, last: number): string {
    const end = last < this.lineCount ? this.lineStart(last + 1) : this.text.length;
    return this.text.slice(this.lineStart(first), Math.max(this.lineStart(first), end));
  }

  /** The line and column of the character at `offset`. */
  place(offset: number): { line: number; column: number } {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }
}
