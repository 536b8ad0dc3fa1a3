import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { openForChunking } from "../src/engine/chunk/chunkFile";
import { DEFAULT_MAX_FILE_BYTES } from "../src/engine/reader/sizeLimits";
import { READ_AHEAD_FILES, readAhead } from "../src/engine/reader/readAhead";
import { type WalkedFile, walkWorkspace } from "../src/engine/reader/walk";
import { benchTree } from "./benchTree";

const MB = 1_048_576;
const GOAL_MB_PER_SECOND = 50;

interface Row {
  step: string;
  files: number;
  bytes: number;
  seconds: number;
}

async function timeWalk(root: string): Promise<Row> {
  const started = performance.now();
  let files = 0;
  let bytes = 0;
  for await (const entry of walkWorkspace(root, false, { maxFileBytes: DEFAULT_MAX_FILE_BYTES })) {
    if ("file" in entry) {
      files++;
      bytes += entry.file.size;
    }
  }
  return { step: "walk + ignore rules (LongLens)", files, bytes, seconds: (performance.now() - started) / 1000 };
}

async function timeChunking(root: string): Promise<Row & { chunks: number; skipped: number }> {
  const started = performance.now();
  let files = 0;
  let bytes = 0;
  let chunks = 0;
  let skipped = 0;
  const walked: WalkedFile[] = [];
  for await (const entry of walkWorkspace(root, false, { maxFileBytes: DEFAULT_MAX_FILE_BYTES })) {
    if ("file" in entry) walked.push(entry.file);
  }
  for await (const [file, outcome] of readAhead(walked, READ_AHEAD_FILES, (file) => openForChunking(file.absPath, file.path, file.size))) {
    if ("skippedReason" in outcome) {
      skipped++;
      continue;
    }
    for await (const _chunk of outcome.opened.chunks()) chunks++;
    files++;
    bytes += file.size;
  }
  return { step: "walk + read + decode + chunk (LongLens)", files, bytes, seconds: (performance.now() - started) / 1000, chunks, skipped };
}

function timeRipgrep(root: string): Row {
  const started = performance.now();
  const run = spawnSync("rg", ["--files", root], { encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = (performance.now() - started) / 1000;
  if (run.error) throw run.error;
  return { step: "`rg --files` (ripgrep, listing only)", files: run.stdout.split("\n").filter(Boolean).length, bytes: 0, seconds };
}

function tableRow(row: Row): string {
  const rate = (value: number) => (row.seconds > 0 ? value / row.seconds : 0);
  const mb = row.bytes > 0 ? (row.bytes / MB).toFixed(1) : "-";
  const mbps = row.bytes > 0 ? rate(row.bytes / MB).toFixed(1) : "-";
  return `| ${row.step} | ${row.files} | ${mb} | ${row.seconds.toFixed(2)} | ${mbps} | ${rate(row.files).toFixed(0)} |`;
}

/** `walk [--tree DIR]`: reading, ignoring and chunking a large real tree, next to ripgrep listing it. */
export async function walkBench(args: string[]): Promise<void> {
  const treeAt = args.indexOf("--tree");
  const root = treeAt >= 0 && args[treeAt + 1] ? args[treeAt + 1]! : await benchTree();
  // One untimed pass so every measured step starts with the same warm file cache.
  await timeWalk(root);
  const ripgrep = timeRipgrep(root);
  const walk = await timeWalk(root);
  const chunking = await timeChunking(root);
  const throughput = chunking.bytes / MB / chunking.seconds;
  console.log(`## walk benchmark: ${root}\n`);
  console.log("| step | files | MB | seconds | MB/s | files/s |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const row of [ripgrep, walk, chunking]) console.log(tableRow(row));
  console.log(
    `\n${chunking.chunks} chunks; ${chunking.skipped} files skipped as binary/unreadable; files over ${DEFAULT_MAX_FILE_BYTES / MB} MiB skipped by the walk.`,
  );
  console.log(`Goal >= ${GOAL_MB_PER_SECOND} MB/s for read + chunk: ${throughput.toFixed(1)} MB/s (${throughput >= GOAL_MB_PER_SECOND ? "met" : "not met"}).`);
}
