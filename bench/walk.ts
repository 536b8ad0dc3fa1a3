import { spawnSync } from "node:child_process";
import { stat } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import os from "node:os";
import { newContents, openAhead } from "../src/engine/chunk/chunkFile";
import { chunkWorkerCount, setChunkWorkers } from "../src/engine/chunk/chunkPool";
import { DEFAULT_MAX_FILE_BYTES } from "../src/engine/reader/sizeLimits";
import { type WalkedFile, walkWorkspace } from "../src/engine/reader/walk";
import { benchTree } from "./benchTree";

const MB = 1_048_576;
const GOAL_MB_PER_SECOND = 50;

interface Row {
  step: string;
  files: number;
  /** Bytes of the files the step handled: listed by the walk, read and chunked by the chunking step. */
  bytes: number;
  /** Bytes of the files it passed over (too large, binary, unreadable). */
  skippedBytes: number;
  seconds: number;
  /** CPU time of this process, all threads: on a shared, loaded machine it moves less than wall time. */
  cpuSeconds: number;
}

/** Runs `step`, measuring wall and CPU time. */
async function timed<T>(step: () => Promise<T>): Promise<T & { seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await step();
  const used = process.cpuUsage(cpu);
  return { ...result, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

async function sizeOf(root: string, relPath: string): Promise<number> {
  return stat(path.join(root, relPath)).then((stats) => (stats.isFile() ? stats.size : 0), () => 0);
}

/** The files the walk yields, and the paths it passes over. */
async function walkTree(root: string): Promise<{ files: WalkedFile[]; skipped: string[] }> {
  const files: WalkedFile[] = [];
  const skipped: string[] = [];
  for await (const entry of walkWorkspace(root, false, { maxFileBytes: DEFAULT_MAX_FILE_BYTES })) {
    if ("file" in entry) files.push(entry.file);
    else skipped.push(entry.skipped.path);
  }
  return { files, skipped };
}

const totalSize = (files: readonly WalkedFile[]): number => files.reduce((sum, file) => sum + file.size, 0);

async function timeWalk(root: string, skippedBytes: number): Promise<Row> {
  const { files, seconds, cpuSeconds } = await timed(async () => walkTree(root));
  return { step: "walk + ignore rules (LongLens)", files: files.length, bytes: totalSize(files), skippedBytes, seconds, cpuSeconds };
}

async function timeChunking(root: string, walkSkippedBytes: number, workers: number): Promise<Row & { chunks: number; skipped: number; copies: number }> {
  setChunkWorkers(workers);
  const result = await timed(async () => {
    const { files: walked } = await walkTree(root);
    let files = 0;
    let bytes = 0;
    let chunks = 0;
    let skipped = 0;
    let skippedBytes = walkSkippedBytes;
    let copies = 0;
    // Scheduled as buildIndex schedules it into an empty store, `chunked` standing in for the blobs it writes.
    const chunked = new Set<string>();
    for await (const [{ file }, outcome] of openAhead(walked.map((file) => ({ file })), newContents(chunked))) {
      if ("skippedReason" in outcome) {
        skipped++;
        skippedBytes += file.size;
        continue;
      }
      files++;
      bytes += file.size;
      // A copy of contents already chunked is read and hashed; buildIndex then reuses the blob of the first.
      if (chunked.has(outcome.opened.chunksKey)) {
        copies++;
        continue;
      }
      for await (const _chunk of outcome.opened.chunks()) chunks++;
      chunked.add(outcome.opened.chunksKey);
    }
    return { files, bytes, chunks, skipped, skippedBytes, copies };
  });
  const where = workers > 0 ? `${workers} chunk worker thread${workers > 1 ? "s" : ""}` : "all on the main thread";
  return { step: `walk + read + decode + chunk (LongLens, ${where})`, ...result };
}

function timeRipgrep(root: string): Row {
  const started = performance.now();
  const run = spawnSync("rg", ["--files", root], { encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = (performance.now() - started) / 1000;
  if (run.error) throw run.error;
  // rg runs in a child process, whose CPU time process.cpuUsage does not see.
  const files = run.stdout.split("\n").filter(Boolean).length;
  return { step: "`rg --files` (ripgrep, listing only)", files, bytes: 0, skippedBytes: 0, seconds, cpuSeconds: Number.NaN };
}

function tableRow(row: Row): string {
  const rate = (value: number, seconds: number) => (seconds > 0 ? value / seconds : 0);
  const mb = (bytes: number) => (bytes > 0 ? (bytes / MB).toFixed(1) : "-");
  const mbps = (seconds: number) => (row.bytes > 0 && seconds > 0 ? rate(row.bytes / MB, seconds).toFixed(1) : "-");
  const cpu = Number.isNaN(row.cpuSeconds) ? "-" : row.cpuSeconds.toFixed(2);
  return `| ${row.step} | ${row.files} | ${mb(row.bytes)} | ${mb(row.skippedBytes)} | ${row.seconds.toFixed(2)} | ${cpu} | ${mbps(row.seconds)} | ${mbps(row.cpuSeconds)} | ${rate(row.files, row.seconds).toFixed(0)} |`;
}

/** `walk [--tree DIR]`: reading, ignoring and chunking a large real tree, next to ripgrep listing it. */
export async function walkBench(args: string[]): Promise<string> {
  const treeAt = args.indexOf("--tree");
  const root = treeAt >= 0 && args[treeAt + 1] ? args[treeAt + 1]! : await benchTree();
  // One untimed pass so every measured step starts with the same warm file cache; it also sizes what the walk skips.
  const { skipped } = await walkTree(root);
  let walkSkippedBytes = 0;
  for (const relPath of skipped) walkSkippedBytes += await sizeOf(root, relPath);
  const ripgrep = timeRipgrep(root);
  const walk = await timeWalk(root, walkSkippedBytes);
  const workers = chunkWorkerCount();
  const chunking = await timeChunking(root, walkSkippedBytes, workers);
  const oneThread = await timeChunking(root, walkSkippedBytes, 0);
  const throughput = chunking.bytes / MB / chunking.seconds;
  const load = os.loadavg()[0]!.toFixed(1);
  return [
    `## walk benchmark: ${root}\n`,
    `${os.availableParallelism()} cores, load average ${load} at the end (other processes share the cores: compare CPU seconds).\n`,
    "| step | files | MB listed / read | MB skipped | seconds | CPU s | MB/s | MB per CPU s | files/s |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...[ripgrep, walk, chunking, oneThread].map(tableRow),
    `\n${chunking.chunks} chunks; ${skipped.length} paths skipped by the walk (files over ${DEFAULT_MAX_FILE_BYTES / MB} MiB, excluded, secrets), ` +
      `${chunking.skipped} more by the reader (binary, unreadable); ${chunking.copies} files were copies of contents already chunked. ` +
      `"MB listed / read" counts, for the chunking steps, only files that were read (and chunked, or found to be copies).`,
    `Goal >= ${GOAL_MB_PER_SECOND} MB/s for read + chunk: ${throughput.toFixed(1)} MB/s (${throughput >= GOAL_MB_PER_SECOND ? "met" : "not met"}).`,
  ].join("\n");
}
