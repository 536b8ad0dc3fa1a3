// How long the Attention Inspector's engine half takes on a 2,000-token window, step by step, as the extension
// runs it (on the inspector's own thread): loading the tokenizer and graphs (done in the background after
// activation), the first inspect (the graphs' first run grows onnxruntime's arena), then warm ones, the message
// the panel is sent, and the calling thread's worst event-loop stall meanwhile.
// `npm run bench -- inspect [file] [runs]`; prints a markdown table.
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { InspectorThread } from "../../src/engine";

const ROOT = path.join(__dirname, "..", "..");
/** The e2e run's window: two real files of the sample, over 2,000 tokens together (cut to fit). */
const SOURCES = ["routes.ts", "validation.ts"].map((name) => path.join(ROOT, "samples/taskboard/api/src", name));

interface Row {
  step: string;
  seconds: number;
  cpuSeconds: number;
  note: string;
}

/** Wall and CPU time (every thread of the process), and the calling thread's worst stall. */
async function timed(step: string, work: () => Promise<string>): Promise<Row> {
  const cpu = process.cpuUsage();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const note = await work();
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  const used = process.cpuUsage(cpu);
  return { step, seconds, cpuSeconds: (used.user + used.system) / 1e6, note: `${note}${note ? "; " : ""}caller stalled at most ${Math.round(delay.max / 1e6)} ms` };
}

export async function inspectBench(args: string[]): Promise<string> {
  const [file, runsArg] = args.filter((arg) => !arg.startsWith("--"));
  const text = file ? await readFile(file, "utf8") : (await Promise.all(SOURCES.map((source) => readFile(source, "utf8")))).join("\n");
  const runs = Number(runsArg ?? 3);
  const inspector = new InspectorThread();
  const rows: Row[] = [await timed("load tokenizer and graphs (the extension's background preload)", async () => {
    await inspector.preload();
    return "";
  })];
  for (let run = 0; run < 1 + runs; run++) {
    rows.push(await timed(run === 0 ? "first inspect (cold arena)" : `inspect again (${run})`, async () => {
      const result = await inspector.inspectText(text, "window.ts", { lines: [1, 1_000_000] });
      const message = JSON.stringify(result);
      return `${result.tokens.length.toLocaleString("en-US")} tokens; message ${(message.length / 1e6).toFixed(2)} MB; RSS ${Math.round(process.memoryUsage().rss / 1e6)} MB`;
    }));
  }
  await inspector.dispose();
  return [
    `${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)} at the end.\n`,
    "| step | seconds | CPU s | |\n| --- | ---: | ---: | --- |",
    ...rows.map((row) => `| ${row.step} | ${row.seconds.toFixed(2)} | ${row.cpuSeconds.toFixed(2)} | ${row.note} |`),
  ].join("\n");
}
