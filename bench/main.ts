// `npm run bench -- <name> [args]`: runs one benchmark and prints its markdown report;
// with --write, the report also goes into the README (or, for model-card, the model card).
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describeError, LongLensError } from "../src/engine/errors";
import { askBench } from "./ask";
import { indexBench } from "./index/indexBench";
import { inspectBench } from "./inspect/openInspector";
import { niahBench } from "./needle/niah";
import { resourceBench } from "./resources/resourceBench";
import { walkBench } from "./walk";

type Bench = (args: string[]) => Promise<string>;

const ROOT = path.join(__dirname, "..");

/** Benchmarks measured on the PyTorch checkpoints run in the training virtualenv; `requirements` (beside the
 * training ones) are installed into it first, a no-op once they are there. */
function pythonBench(script: string, requirements?: string): Bench {
  return async (args) => {
    const cache = process.env.LONGLENS_CACHE ?? path.join(process.env.HOME ?? "", ".cache", "longlens");
    const venv = process.env.LONGLENS_VENV ?? path.join(cache, "venv");
    // [what, command, arguments]: a failed step names itself (a pip failure is not a missing training run).
    const steps: [string, string, string[]][] = [];
    if (requirements) {
      steps.push([`installing ${requirements}`, path.join(venv, "bin", "pip"),
        ["install", "-q", "--disable-pip-version-check", "-r", path.join(ROOT, "models", "training", requirements)]]);
    }
    steps.push([script, path.join(venv, "bin", "python"), [path.join(__dirname, script), ...args]]);
    for (const [what, command, commandArgs] of steps) {
      const run = spawnSync(command, commandArgs, { stdio: ["ignore", "inherit", "inherit"] });
      if (run.error || run.status !== 0) {
        throw new LongLensError(`${what} failed (${run.error?.message ?? `exit ${run.status}`}); run \`npm run train\` first (it creates ${venv}).`);
      }
    }
    return args.includes("--write") || args.includes("--render") ? "models/README.md updated" : "";
  };
}

const BENCHES: Record<string, Bench> = {
  walk: walkBench,
  niah: niahBench,
  ask: askBench,
  index: indexBench,
  resources: resourceBench,
  inspect: inspectBench,
  // These two write their section of models/README.md themselves (--write, or --render from their JSON).
  "model-card": pythonBench("model_card.py"),
  retrieval: pythonBench("retrieval.py", "requirements-bench.txt"),
};

/** Benchmarks whose report has a section in README.md. */
const README_SECTIONS = new Set(["walk", "ask", "index", "niah", "resources"]);

/** Replaces the text between <!-- bench:NAME:start --> and <!-- bench:NAME:end --> in README.md. */
async function writeReadmeSection(name: string, report: string): Promise<void> {
  const readme = path.join(ROOT, "README.md");
  const text = await readFile(readme, "utf8");
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const [head, rest] = text.split(start);
  if (rest === undefined || !rest.includes(end)) throw new LongLensError(`README.md has no ${start} ... ${end} section.`);
  await writeFile(readme, `${head}${start}\n${report}\n${end}${rest.split(end)[1]}`);
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!name || !bench) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join("|")}> [--write] [args]`);
    process.exitCode = 2;
    return;
  }
  const report = await bench(rest);
  console.log(report);
  if (rest.includes("--write") && README_SECTIONS.has(name)) await writeReadmeSection(name, report);
}

main().catch((error: unknown) => {
  console.error(describeError(error));
  process.exitCode = 1;
});
