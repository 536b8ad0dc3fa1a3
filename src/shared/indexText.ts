// Words for indexing that the CLI and the extension both show, so the two always agree.
import type { IndexProgress, IndexResult } from "../engine/types";

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
    default:
      return progress.filesTotal === undefined
        ? `${formatCount(progress.filesDone)} files`
        : `${formatCount(progress.filesDone)}/${formatCount(progress.filesTotal)} files`;
  }
}

/** "1,530 files, 4,210 chunks (1,234,567 tokens) in 3.4 s" */
export function describeIndexResult(result: IndexResult): string {
  return (
    `${formatCount(result.files)} files, ${formatCount(result.chunks)} chunks ` +
    `(${formatCount(result.tokens)} tokens) in ${result.seconds.toFixed(1)} s`
  );
}
