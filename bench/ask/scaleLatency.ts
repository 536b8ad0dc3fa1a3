// Ask latency at about 1M tokens: the two question sets' codebases and a few more packages, copied into one folder,
// indexed, then every question asked from a warm process (the first ask, which builds the semantic vectors,
// is reported apart as the cold one).
import { cpSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Workspace } from "../../src/engine/workspace";
import { percentile } from "./metrics";
import { type QuestionSet, installCodebase, installPackage } from "./questionSets";

/** Extra packages (any licence-clean public code will do: only time is measured here). */
const EXTRA: QuestionSet["install"][] = [
  { registry: "npm", package: "axios", version: "1.7.9" },
  { registry: "pypi", package: "click", version: "8.1.7" },
];

export async function scaleLatency(sets: readonly QuestionSet[], packages: string, storeDir: string, log: (line: string) => void): Promise<string> {
  const folder = path.join(packages, "..", "scale");
  if (!existsSync(folder)) {
    mkdirSync(folder, { recursive: true });
    const sources = [...sets.map((set) => ({ install: set.install, root: installCodebase(set, packages) })),
      ...EXTRA.map((install) => ({ install, root: installPackage(install, packages) }))];
    for (const { install, root } of sources) cpSync(root, path.join(folder, `${install.package}-${install.version}`), { recursive: true });
  }
  const workspace = await Workspace.open(folder, { storeDir, memory: false });
  const indexed = await workspace.index();
  const questions = sets.flatMap((set) => set.questions.map((q) => q.question));
  const since = process.cpuUsage();
  let started = performance.now();
  await workspace.ask(questions[0]!, { top: 10 });
  const coldMs = performance.now() - started;
  const used = process.cpuUsage(since);
  const ms: number[] = [];
  for (const question of questions) {
    started = performance.now();
    await workspace.ask(question, { top: 10 });
    ms.push(performance.now() - started);
  }
  const line = `${indexed.tokens.toLocaleString("en-US")} tokens (${indexed.files} files, ${indexed.chunks} chunks): shipped ask p50 ${percentile(ms, 0.5).toFixed(0)} ms, p95 ${percentile(ms, 0.95).toFixed(0)} ms over ${ms.length} questions, warm (top 10); the first ask, which builds the semantic vectors, took ${(coldMs / 1000).toFixed(1)} s (${((used.user + used.system) / 1e6).toFixed(1)} CPU s).`;
  log(line);
  return line;
}
