// `npm run test:e2e -- --write`: after a passing run, rewrites the README's e2e section (between
// <!-- e2e:start --> and <!-- e2e:end -->) from what the suites measured (the run's measured.json).
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readMeasured } from "./measured";

const README = path.join(import.meta.dirname, "../../README.md");
const START = "<!-- e2e:start -->";
const END = "<!-- e2e:end -->";
const GOAL_OPEN_MS = 1_500;
const GOAL_REDRAW_MS = 100;
const GOAL_STALL_MS = 100;

const seconds = (value: number) => (value / 1000).toFixed(2);
const ms = (value: number) => value.toLocaleString("en-US");
const met = (value: number, goal: number) => (value <= goal ? "met" : "not met");

/** "1.93 s (the extension host 0.90 s, the model 0.85 s of it; the new webview's page, started 1.30 s after the command, 0.35 s more; ...)" */
function opening(m: Record<string, number>, prefix: string): string {
  const part = (name: string) => m[`${prefix}${name}Ms`]!;
  const start = part("StartWait") > 0
    ? `; the new webview's page, started ${seconds(part("Script"))} s after the command, ${ms(part("StartWait"))} ms more` : "";
  return `${seconds(part("Open"))} s (the extension host ${seconds(part("Host"))} s, the model's run ${seconds(part("Model"))} s of it${start}; ` +
    `transfer to the webview ${ms(part("Transfer"))} ms, unpacking ${ms(part("Build"))} ms, drawing ${ms(part("Draw"))} ms)`;
}

function e2eSection(m: Record<string, number>, codeServer: string): string {
  const missing = ["loadAverage", "inspectorOpenMs", "inspectorWarmOpenMs", "headSwitchMs"].filter((key) => m[key] === undefined);
  if (missing.length) throw new Error(`the run measured no ${missing.join(", ")}: --write needs the main suite (longlens)`);
  const lines = [
    `Measured in the last end-to-end run (code-server ${codeServer}, headless Chromium; ${os.cpus().length} cores, load average ${m.loadAverage!.toFixed(1)} ` +
      "at the end: other work shared the machine, so rerun on a quiet one before comparing):",
    `- Attention Inspector, ${m.inspectorTokens!.toLocaleString("en-US")} tokens, from the command to the drawn map: the first time ${opening(m, "inspector")}; ` +
      `again, graphs warm, ${opening(m, "inspectorWarm")}. Goal <= 1.5 s: ${met(Math.max(m.inspectorOpenMs!, m.inspectorWarmOpenMs!), GOAL_OPEN_MS)}. ` +
      `A head switch redraws in ${m.headSwitchMs} ms (goal <= ${GOAL_REDRAW_MS} ms: ${met(m.headSwitchMs!, GOAL_REDRAW_MS)}).`,
  ];
  if (m.indexWorstStallMs !== undefined) {
    const worst = Math.max(m.indexWorstStallMs, m.multiRootWorstStallMs ?? 0);
    const large = m.multiRootWorstStallMs === undefined ? ""
      : ` and ${ms(m.multiRootWorstStallMs)} ms while a two-folder workspace indexed a ${m.multiRootTokens!.toLocaleString("en-US")}-token folder of this repository's code`;
    lines.push(`- While indexing, the extension host's event loop stalled at most ${ms(m.indexWorstStallMs)} ms on the fixture (at startup, by command and after an edit)${large} ` +
      `(perf_hooks.monitorEventLoopDelay in the host, logged per run; goal <= ${GOAL_STALL_MS} ms: ${met(worst, GOAL_STALL_MS)}).`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const [measured, codeServer] = process.argv.slice(2);
  if (!measured || !codeServer) throw new Error("usage: writeReadme.ts <measured.json> <code-server version>");
  const text = await readFile(README, "utf8");
  const [head, rest] = text.split(START);
  if (rest === undefined || !rest.includes(END)) throw new Error(`README.md has no ${START} ... ${END} section`);
  await writeFile(README, `${head}${START}\n${e2eSection(await readMeasured(measured), codeServer)}\n${END}${rest.split(END)[1]}`);
  console.log("[e2e] README.md: e2e section rewritten");
}

main().catch((error: unknown) => {
  console.error(`writeReadme: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
