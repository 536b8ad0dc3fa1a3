// Words for indexing that the CLI and the extension both show, so the two always agree.
import type { IndexProgress, IndexResult } from "../engine";

/** 1530 -> "1,530", independent of the user's locale so output stays stable for scripts. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** One short progress line, e.g. "412/1,530 files". */
export function describeProgress(progress: IndexProgress): string {
  switch (progress.phase) {
    case "scan":
      return `scanning (${formatCount(progress.filesDone)} files so far)`;
    case "write":
      return "writing the index";
    case "memory":
      return `reading into memory: ${formatCount(progress.tokensDone ?? 0)}/${formatCount(progress.tokensTotal ?? 0)} tokens, ${formatCount(progress.tokensPerSecond ?? 0)} tokens/s`;
    default:
      return progress.filesTotal === undefined
        ? `${formatCount(progress.filesDone)} files`
        : `${formatCount(progress.filesDone)}/${formatCount(progress.filesTotal)} files`;
  }
}

/** "Memory: 1,240,000 tokens in 19 shards (1,245,184 slots), 38,000 tokens/s (2 shards rebuilt)" */
export function describeMemory(memory: NonNullable<IndexResult["memory"]>): string {
  const rebuilt = memory.shardsWritten === memory.shards ? ""
    : memory.shardsWritten === 0 ? " (all kept)" : ` (${formatCount(memory.shardsWritten)} rebuilt, the rest kept)`;
  return `Memory: ${formatCount(memory.tokens)} tokens in ${formatCount(memory.shards)} shard${memory.shards === 1 ? "" : "s"} ` +
    `(${formatCount(memory.slots)} slots), ${formatCount(memory.tokensPerSecond)} tokens/s${rebuilt}`;
}

/** "1,530 files, 4,210 chunks (1,234,567 tokens) in 3.4 s" */
export function describeIndexResult(result: IndexResult): string {
  return (
    `${formatCount(result.files)} files, ${formatCount(result.chunks)} chunks ` +
    `(${formatCount(result.tokens)} tokens) in ${result.seconds.toFixed(1)} s`
  );
}
