// Runs the bad-input corpus (corpus.ts): each kind is built in a folder of its own and indexed on its own,
// and what LongLens did with it is described from the index result, never typed by hand.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmod, chown, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { IndexProgress, IndexResult } from "../../src/engine/types";
import { Workspace } from "../../src/engine/workspace";

export const REPO = path.resolve(__dirname, "../..");

/** Peak memory allowed for indexing any single file up to the 256 MiB limit. */
export const MAX_RSS_MIB = 1024;

/** One kind of bad input: how to make it, how to index it, and what must come of it. */
export interface Kind {
  name: string;
  /** Only in `npm run test:stress`: large, slow or many files. */
  heavy?: boolean;
  /** Writes the input into `dir`; returns the path to index when that is not `dir` itself (a single file). */
  build(dir: string): Promise<string | void>;
  /** Runs the index in a process of its own as another user, for permissions that bind root itself not at all. */
  asNobody?: boolean;
  /** Runs the index in a process of its own under /usr/bin/time, to measure its peak memory. */
  measured?: boolean;
  /** Called on each progress report of the index run: to change the tree while it is read. */
  duringRead?: (progress: IndexProgress, dir: string) => Promise<void> | void;
  /** Throws when the outcome is wrong. */
  check(outcome: Outcome): void;
}

export interface Outcome {
  result: IndexResult;
  /** Skip reasons by path. */
  skipped: Map<string, string>;
  /** Every file of the store, gzip members decompressed, as one string. */
  storeText: string;
  /** The chunks the store's blobs hold. */
  chunks: StoredText[];
  seconds: number;
  /** Peak resident memory of the indexing process, for measured kinds. */
  maxRssMiB?: number;
}

/** Planted secrets: none of these may appear anywhere in any store. */
export const PLANTED_SECRETS: string[] = [];

export function plant(secret: string): string {
  PLANTED_SECRETS.push(secret);
  return secret;
}

/** A chunk as blobs store it (JSON lines). */
export interface StoredText {
  startLine: number;
  endLine: number;
  text: string;
}

/** Every file of a store, gzip members decompressed, as one string; and the chunks its blobs hold. */
async function readStoreFiles(dir: string): Promise<{ text: string; chunks: StoredText[] }> {
  const parts: string[] = [];
  const chunks: StoredText[] = [];
  const visit = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) await visit(file);
      else if (entry.isFile()) {
        const bytes = await readFile(file);
        // Binary files (shards, the semantic vectors) as latin1: their numbers are no cut characters, their text still shows.
        const encoding = /\.(bin|shard)$/.test(entry.name) ? "latin1" : "utf8";
        const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString(encoding);
        parts.push(text);
        if (path.basename(folder) === "blobs") for (const line of text.split("\n")) if (line) chunks.push(JSON.parse(line) as StoredText);
      }
    }
  };
  await visit(dir).catch(() => undefined); // a run that indexed nothing may have no store
  return { text: parts.join("\n"), chunks };
}

/** The CLI, as a child process (from the sources, as the CLI tests run it). */
export function cliArgs(args: string[]): string[] {
  return ["--import", "tsx", path.join(REPO, "src/cli/main.ts"), ...args];
}

/** Indexes `target` as the user nobody, who owns the store and a temporary folder; the folders on the way are opened to nobody. */
async function indexAsNobody(target: string, store: string, base: string): Promise<IndexResult> {
  const temporary = `${store}-tmp`;
  const [uid, gid] = ["-u", "-g"].map((flag) => Number(spawnSync("id", [flag, "nobody"], { encoding: "utf8" }).stdout));
  for (const dir of [store, temporary]) {
    await mkdir(dir, { recursive: true });
    await chown(dir, uid!, gid!);
  }
  // Only the test's own folders are opened, from the target up to the corpus folder.
  for (let dir = path.dirname(target); dir.startsWith(base); dir = path.dirname(dir)) await chmod(dir, 0o755);
  const run = spawnSync("runuser", ["-u", "nobody", "--", process.execPath, "--import", "tsx", path.join(__dirname, "indexOnce.ts"), target, store], {
    cwd: REPO,
    encoding: "utf8",
    env: { ...process.env, HOME: temporary, TMPDIR: temporary },
    timeout: 120_000,
  });
  assert.equal(run.status, 0, `index as nobody: ${run.stderr}`);
  return JSON.parse(run.stdout) as IndexResult;
}

/** Runs a script of this folder under /usr/bin/time -v: its JSON output and its peak resident memory in MiB. */
export function measured<T>(script: string, args: string[]): { output: T; maxRssMiB: number } {
  const run = spawnSync("/usr/bin/time", ["-v", process.execPath, "--import", "tsx", path.join(__dirname, script), ...args], { cwd: REPO, encoding: "utf8", timeout: 600_000 });
  assert.equal(run.status, 0, `${script} ${args.join(" ")}: ${run.stderr}`);
  const kilobytes = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  assert.ok(kilobytes, "/usr/bin/time -v reports the peak memory");
  return { output: JSON.parse(run.stdout) as T, maxRssMiB: Number(kilobytes[1]) / 1024 };
}

/** Why permission kinds cannot be checked here, or undefined: root needs runuser to index as nobody. */
export function permissionProblem(): string | undefined {
  if (process.getuid?.() !== 0) return undefined; // permissions bind this user already: indexed in this process
  return spawnSync("runuser", ["-u", "nobody", "--", "true"]).status === 0 ? undefined : "running as root without a working `runuser -u nobody`: permissions do not bind root";
}

/** Puts `table` into the README between `<!-- name:start -->` and `<!-- name:end -->`. */
export async function writeReadmeTable(name: string, table: string): Promise<void> {
  const readme = path.join(REPO, "README.md");
  const text = await readFile(readme, "utf8");
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  assert.ok(from >= 0 && to > from, `README.md has the markers ${start} ... ${end}`);
  await writeFile(readme, `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`);
}

/** Builds and indexes one kind under `base`, and checks its outcome. */
export async function runKind(kind: Kind, base: string): Promise<Outcome> {
  const dir = path.join(base, kind.name.replace(/[^\w]+/g, "-"));
  const store = `${dir}.store`;
  await mkdir(dir, { recursive: true });
  const target = (await kind.build(dir)) ?? dir;
  const started = performance.now();
  let result: IndexResult;
  let maxRssMiB: number | undefined;
  if (kind.asNobody && process.getuid?.() === 0) {
    result = await indexAsNobody(target, store, base);
  } else if (kind.measured) {
    ({ output: result, maxRssMiB } = measured<IndexResult>("indexOnce.ts", [target, store]));
  } else {
    // The memory pass reads what the lexical pass stored; the corpus tests the reading, so it is left out here.
    const workspace = await Workspace.open(target, { storeDir: store, threads: 1, memory: false });
    const pending: Promise<void>[] = [];
    const onProgress = kind.duringRead && ((progress: IndexProgress) => void pending.push(Promise.resolve(kind.duringRead!(progress, dir))));
    result = await workspace.index(onProgress ? { onProgress } : {});
    await Promise.all(pending);
  }
  const outcome: Outcome = {
    result,
    skipped: new Map(result.skipped.map((skip) => [skip.path, skip.reason])),
    ...(await readStoreFiles(store).then(({ text, chunks }) => ({ storeText: text, chunks }))),
    seconds: (performance.now() - started) / 1000,
    ...(maxRssMiB === undefined ? {} : { maxRssMiB }),
  };
  // The lexical index holds lower-cased terms, so the search ignores case.
  const lowered = outcome.storeText.toLowerCase();
  PLANTED_SECRETS.forEach((secret, index) => assert.ok(!lowered.includes(secret.toLowerCase()), `${kind.name}: planted secret #${index + 1} reached the store`));
  kind.check(outcome);
  return outcome;
}

/** What LongLens did, in words, from the result: files and chunks indexed, each distinct skip reason, warnings. */
export function describeOutcome(outcome: Outcome): string {
  const { result } = outcome;
  const parts: string[] = [];
  if (result.files > 0) parts.push(`indexed ${result.files} file${result.files === 1 ? "" : "s"} (${result.chunks} chunk${result.chunks === 1 ? "" : "s"})`);
  const reasons = new Map<string, number>();
  for (const reason of outcome.skipped.values()) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  for (const [reason, count] of reasons) parts.push(`skipped ${count > 1 ? `${count} ` : ""}as "${reason}"`);
  const redacted = outcome.storeText.split("[redacted by LongLens]").length - 1;
  if (redacted > 0) parts.push(`secret lines redacted in the index`);
  for (const warning of result.warnings ?? []) parts.push(`warning: ${warning.replace(/: ".*$/, "")}`);
  if (parts.length === 0) parts.push("nothing to index, nothing reported");
  if (outcome.maxRssMiB !== undefined) {
    const over = outcome.maxRssMiB > MAX_RSS_MIB ? ` (over the ${MAX_RSS_MIB} MiB bound)` : "";
    parts.push(`peak memory ${Math.round(outcome.maxRssMiB)} MiB${over}`);
  }
  return parts.join("; ");
}

/** The markdown table of kinds and outcomes, as it goes into the README. */
export function outcomeTable(rows: readonly { kind: Kind; outcome: Outcome }[]): string {
  const escape = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = ["| kind of input | what LongLens does | seconds |", "| --- | --- | ---: |"];
  for (const { kind, outcome } of rows) lines.push(`| ${escape(kind.name)} | ${escape(describeOutcome(outcome))} | ${outcome.seconds.toFixed(2)} |`);
  return lines.join("\n");
}
