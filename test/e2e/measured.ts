// What the end-to-end suites measure (timings, the event loop's worst stall), kept across the suites of one
// run in a file of that run's own (run.sh's temporary folder: runs by others may share artifacts/);
// `npm run test:e2e -- --write` turns it into the README's e2e section.
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** Adds `values` to the run's measurements (suites run one after another, so read-modify-write is safe). */
export async function recordMeasured(file: string, values: Record<string, number>): Promise<void> {
  const previous = await readFile(file, "utf8").then((text) => JSON.parse(text) as Record<string, number>, () => ({}));
  await writeFile(file, `${JSON.stringify({ ...previous, ...values }, null, 2)}\n`);
}

export async function readMeasured(file: string): Promise<Record<string, number>> {
  return JSON.parse(await readFile(file, "utf8")) as Record<string, number>;
}

/** The text of the extension's output channel, from the log file VS Code keeps for it under `logs`. */
export async function outputChannelText(logs: string, channel: string): Promise<string> {
  const entries = await readdir(logs, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && new RegExp(`^\\d+-${channel}\\.log$`).test(e.name)).map((e) => path.join(e.parentPath, e.name));
  if (files.length === 0) throw new Error(`no log of the ${channel} output channel under ${logs}`);
  return (await Promise.all(files.sort().map((file) => readFile(file, "utf8")))).join("\n");
}

export interface IndexRun {
  /** Tokens indexed per folder name. */
  tokens: Map<string, number>;
  /** The extension host's worst event-loop stall over the run. */
  stallMs: number;
}

/** Every index run the extension logged (src/extension/indexer.ts): its folders' "Indexed" lines, then its stall. */
export function indexRuns(output: string): IndexRun[] {
  const runs: IndexRun[] = [];
  let tokens = new Map<string, number>();
  for (const line of output.split("\n")) {
    const indexed = /Indexed (.+?): [\d,]+ files, [\d,]+ chunks \(([\d,]+) tokens\)/.exec(line);
    if (indexed) tokens.set(indexed[1]!, Number(indexed[2]!.replace(/,/g, "")));
    const stall = /event loop stalled at most (\d+) ms while indexing/.exec(line);
    if (stall) {
      runs.push({ tokens, stallMs: Number(stall[1]) });
      tokens = new Map();
    }
  }
  return runs;
}
