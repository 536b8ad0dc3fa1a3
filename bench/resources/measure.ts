// One measurement of the resource bench, in a process of its own (its peak RSS is then this measurement's
// alone), printed as one JSON line:
//   index <path> <store> <memory 0|1>      a full index from an empty store: time, CPU, peak RSS
//   asks <path> <store> <count>            `count` different questions in a row on a built store, RSS every 100
//   cancel <path> <work> <phase> <trials>  an index cancelled through its signal when it reaches `phase`
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { type IndexProgress, Workspace } from "../../src/engine";
import { askQuestions } from "./questionsFor";

const MB = 1024 * 1024;
const SAMPLE_EVERY = 100;

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function index(target: string, store: string, memory: boolean) {
  const workspace = await Workspace.open(target, { storeDir: store, memory });
  const [started, cpu] = [performance.now(), cpuSeconds()];
  const result = await workspace.index();
  const seconds = (performance.now() - started) / 1000;
  workspace.dispose();
  return { tokens: result.tokens, files: result.files, chunks: result.chunks, memoryTokens: result.memory?.tokens ?? 0, seconds, cpuSeconds: cpuSeconds() - cpu, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}

async function asks(target: string, store: string, count: number) {
  const workspace = await Workspace.open(target, { storeDir: store });
  const questions = await askQuestions(target, count);
  const samples: { asks: number; rssMB: number; heapMB: number }[] = [];
  const latencies: number[] = [];
  const [started, cpu] = [performance.now(), cpuSeconds()];
  for (const [i, question] of questions.entries()) {
    const asked = performance.now();
    await workspace.ask(question);
    latencies.push(performance.now() - asked);
    if ((i + 1) % SAMPLE_EVERY === 0) {
      const { rss, heapUsed } = process.memoryUsage();
      samples.push({ asks: i + 1, rssMB: rss / MB, heapMB: heapUsed / MB });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  workspace.dispose();
  latencies.sort((a, b) => a - b);
  return { asks: questions.length, samples, seconds, cpuSeconds: cpuSeconds() - cpu, p50Ms: latencies[Math.floor(latencies.length / 2)]!, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}

/** Each trial indexes into a fresh store and aborts the run at its first progress report of `phase`. */
async function cancel(target: string, work: string, phase: IndexProgress["phase"], trials: number) {
  const results: { phase: string; tokensDone?: number; ms: number; outcome: string }[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const store = path.join(work, `cancel-${phase}-${trial}`);
    await rm(store, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    const workspace = await Workspace.open(target, { storeDir: store });
    const controller = new AbortController();
    let abortedAt = 0;
    let at: IndexProgress | undefined;
    // The memory phase is met after its first shard, so that the cut falls inside the pass, not at its start.
    const reached = (progress: IndexProgress): boolean => progress.phase === phase && (phase !== "memory" || (progress.tokensDone ?? 0) > 0);
    const running = workspace.index({
      signal: controller.signal,
      onProgress: (progress) => {
        if (abortedAt || !reached(progress)) return;
        at = progress;
        abortedAt = performance.now();
        controller.abort();
      },
    });
    const outcome = await running.then(() => "finished", (error: unknown) => (error as { code?: string }).code ?? String(error));
    const ms = abortedAt ? performance.now() - abortedAt : Number.NaN;
    workspace.dispose();
    results.push({ phase, ...(at?.tokensDone === undefined ? {} : { tokensDone: at.tokensDone }), ms, outcome });
    await rm(store, { recursive: true, force: true });
  }
  return results;
}

async function main(): Promise<void> {
  const [kind, target, store, arg, trials] = process.argv.slice(2);
  const measured =
    kind === "index" ? await index(target!, store!, arg === "1")
    : kind === "asks" ? await asks(target!, store!, Number(arg))
    : kind === "cancel" ? await cancel(target!, store!, arg as IndexProgress["phase"], Number(trials))
    : undefined;
  if (measured === undefined) throw new Error(`unknown measurement '${kind}'`);
  process.stdout.write(`${JSON.stringify(measured)}\n`);
}

main().then(
  () => process.exit(0), // worker threads of the model may linger; the measurement is done
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
