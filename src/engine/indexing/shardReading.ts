// Collects the token runs of a shard's files (memoryTokens.ts) into one reading: the ids, and per file
// stretch (part) the offsets where its tokens change line, so every reading position resolves to file:line.
import type { ShardPart } from "../memory/shardFile";
import type { TokenRun } from "./memoryTokens";

export class ShardReading {
  readonly ids: number[] = [];
  readonly parts: ShardPart[] = [];
  /** Pairs (offset from the part's first token, line), one where each line's tokens begin. */
  readonly lineMarks: number[] = [];
  private lastLine = -1;

  get tokens(): number {
    return this.ids.length;
  }

  /** Opens a part for a file (or the rest of one) whose tokens start at `from` of the file's memory tokens. */
  startPart(path: string, hash: string, from: number): void {
    this.parts.push({ path, hash, from, to: from, lines: 0 });
    this.lastLine = -1;
  }

  /** Takes back the open part's tokens (its file could not be read to the end). */
  dropOpenPart(): void {
    const part = this.parts.pop()!;
    this.ids.length -= part.to - part.from;
    this.lineMarks.length -= 2 * part.lines;
  }

  /** Adds tokens [from, to) of a run to the open part. */
  add(run: TokenRun, from = 0, to = run.ids.length): void {
    const part = this.parts[this.parts.length - 1]!;
    for (let i = from; i < to; i++) {
      const line = run.lines[i]!;
      if (line !== this.lastLine) {
        this.lineMarks.push(part.to - part.from, line);
        part.lines++;
        this.lastLine = line;
      }
      this.ids.push(run.ids[i]!);
      part.to++;
    }
  }
}
