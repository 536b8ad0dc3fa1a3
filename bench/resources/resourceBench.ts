// `npm run bench -- resources [--only index,asks,cancel,file] [--sizes 100000,1000000,3000000] [--asks 1000]
// [--render]`: the resource bounds of issue #16, each measured in a process of its own and judged against its
// target: peak RSS and store size against workspace tokens (no faster than linear), RSS over 1,000 asks in a
// row on the 1M-token store (growth <= 10%), cancellation (<= 500 ms, through the engine's signal and the
// CLI's Ctrl-C) and one 200 MB file (<= 1 GiB RSS). Results go to bench/results/resources.json (a run of some
// parts keeps the others), the figure to bench/results/resources.png; --render redraws both from the JSON.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LongLensError } from "../../src/engine/errors";
import { longLensCacheDir } from "../../src/engine/store/defaultStoreDir";
import { MEMORY_PASS_DIR } from "../../src/engine/store/storeLayout";
import { writeLines } from "../../test/stress/corpus";
import { resourceTree } from "./resourceTrees";
import { type Results, renderResources } from "./renderResources";

const ROOT = path.join(__dirname, "..", "..");
const RESULTS = path.join(ROOT, "bench", "results", "resources.json");
const FIGURE = path.join(ROOT, "bench", "results", "resources.png");
const WORK = path.join(longLensCacheDir(), "bench", "resource-stores");
const FILE_MB = 200;
/** Ctrl-C sent at these fractions of an uncancelled run's time (tsx start-up included): through scan, read and memory. */
const CLI_CUTS = [0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.72, 0.8, 0.87, 0.94];
const ENGINE_CANCELS: [string, number][] = [["scan", 2], ["read", 4], ["memory", 4], ["write", 2]];

function measure<T>(...args: string[]): T {
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "measure.ts"), ...args], {
    cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}

const bytesUnder = (dir: string): number => Number(execFileSync("du", ["-sb", dir], { encoding: "utf8" }).split("\t")[0]);

async function indexSizes(sizes: number[]): Promise<Results["sizes"]> {
  const rows: Results["sizes"] = [];
  for (const size of sizes) {
    const tree = await resourceTree(size);
    const store = path.join(WORK, `index-${size}`);
    await rm(store, { recursive: true, force: true });
    console.error(`resources: indexing ${size} tokens at ${tree}`);
    const row = measure<Omit<Results["sizes"][number], "storeBytes" | "target">>("index", tree, store, "1");
    rows.push({ target: size, ...row, storeBytes: bytesUnder(store) });
  }
  return rows;
}

/** The CLI's `index` of `tree` into a fresh store, as a child process. */
async function startCliIndex(tree: string, store: string): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  await rm(store, { recursive: true, force: true });
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "src/cli/main.ts"), "index", tree, "--store", store, "--json"], { cwd: ROOT, stdio: "ignore" });
  return { child, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}

/** Sends SIGINT to the CLI's `index` at each cut of a whole run's time and times the exit; the store folder says whether the memory pass had begun. */
async function cliCancels(tree: string): Promise<Results["cliCancels"]> {
  const store = path.join(WORK, "cancel-cli");
  const started = performance.now();
  await (await startCliIndex(tree, store)).exited;
  const wholeSeconds = (performance.now() - started) / 1000;
  const trials: Results["cliCancels"] = [];
  for (const cut of CLI_CUTS) {
    const delay = Math.round(cut * wholeSeconds * 10) / 10;
    const { child, exited } = await startCliIndex(tree, store);
    const outcome = await Promise.race([exited.then((code) => ({ code })), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), delay * 1000))]);
    if (outcome) {
      trials.push({ delaySeconds: delay, inMemoryPass: false, ms: Number.NaN, exitCode: outcome.code });
      continue;
    }
    // The memory pass writes its shards into a staging folder named after MEMORY_PASS_DIR.
    const inMemoryPass = existsSync(store) && readdirSync(store).some((name) => name.startsWith(MEMORY_PASS_DIR));
    const sentAt = performance.now();
    child.kill("SIGINT");
    const exitCode = await exited;
    trials.push({ delaySeconds: delay, inMemoryPass, ms: performance.now() - sentAt, exitCode });
  }
  return trials;
}

async function singleFile(): Promise<Results["file"]> {
  const dir = path.join(WORK, "file");
  const file = path.join(dir, "huge.ts");
  await mkdir(dir, { recursive: true });
  if (!existsSync(file)) await writeLines(file, FILE_MB * 1024 * 1024); // the stress corpus's generated lines
  const store = path.join(dir, "store");
  await rm(store, { recursive: true, force: true });
  console.error(`resources: indexing one ${FILE_MB} MB file as the CLI does (lexical pass and memory pass)`);
  const row = measure<{ tokens: number; seconds: number; cpuSeconds: number; maxRssMB: number }>("index", file, store, "1");
  return { megabytes: FILE_MB, ...row, storeBytes: bytesUnder(store) };
}

function drawFigure(): void {
  const venv = process.env.LONGLENS_VENV ?? path.join(longLensCacheDir(), "venv");
  const steps: [string, string[]][] = [
    [path.join(venv, "bin", "pip"), ["install", "-q", "--disable-pip-version-check", "-r", path.join(ROOT, "models", "training", "requirements-plot.txt")]],
    [path.join(venv, "bin", "python"), [path.join(__dirname, "plot.py"), RESULTS, FIGURE]],
  ];
  for (const [command, args] of steps) {
    const run = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    if (run.error || run.status !== 0) throw new LongLensError(`${path.basename(command)} ${path.basename(args.at(-1)!)} failed; run \`npm run train -- --smoke\` once to create ${venv}.`);
  }
}

export async function resourceBench(args: string[]): Promise<string> {
  const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
  const only = new Set(option("--only", "index,asks,cancel,file").split(","));
  const sizes = option("--sizes", "100000,1000000,3000000").split(",").map(Number);
  const askCount = Number(option("--asks", "1000"));
  const previous = existsSync(RESULTS) ? (JSON.parse(await readFile(RESULTS, "utf8")) as Results) : undefined;
  const results: Results = previous ?? ({} as Results);
  if (!args.includes("--render")) {
    await mkdir(WORK, { recursive: true });
    if (only.has("index")) results.sizes = await indexSizes(sizes);
    if (only.has("asks")) {
      const size = 1_000_000;
      const store = path.join(WORK, `index-${size}`);
      const tree = await resourceTree(size);
      if (!existsSync(path.join(store, "manifest.json"))) await indexSizes([size]);
      console.error(`resources: ${askCount} asks in a row on the ${size}-token store`);
      results.asks = measure<Results["asks"]>("asks", tree, store, String(askCount));
    }
    if (only.has("cancel")) {
      const tree = await resourceTree(100_000);
      console.error("resources: cancelling index runs (engine signal, then CLI Ctrl-C)");
      results.engineCancels = ENGINE_CANCELS.flatMap(([phase, trials]) => measure<Results["engineCancels"]>("cancel", tree, WORK, phase, String(trials)));
      results.cliCancels = await cliCancels(tree);
    }
    if (only.has("file")) results.file = await singleFile();
    results.machine = { cores: os.availableParallelism(), loadAverage: os.loadavg()[0]!, date: new Date().toISOString().slice(0, 10) };
    await writeFile(RESULTS, `${JSON.stringify(results, null, 1)}\n`);
  }
  if (!results.sizes || !results.asks || !results.engineCancels || !results.file) throw new LongLensError(`${path.relative(ROOT, RESULTS)} lacks a part; run the bench without --only first.`);
  drawFigure();
  return renderResources(results, path.relative(ROOT, FIGURE));
}
