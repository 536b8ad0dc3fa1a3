// Ask latency at about 1M tokens: the two question sets' codebases and a few more packages, copied into one folder,
// indexed with the memory, then every question asked from a warm process. The first ask of a fresh process (which
// reads the stored semantic vectors and opens the memory) is reported apart as the cold one, beside what building
// the vectors from the chunks costs instead (a store without them, as every store was before they were stored).
import { cpSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { SemanticSignal } from "../../src/engine/semantic/semanticSignal";
import { readStore } from "../../src/engine/store/readStore";
import { StoreLayout } from "../../src/engine/store/storeLayout";
import { Workspace } from "../../src/engine/workspace";
import { percentile } from "./metrics";
import { type QuestionSet, installCodebase, installPackage } from "./questionSets";

/** Extra packages (any licence-clean public code will do: only time is measured here). */
const EXTRA: QuestionSet["install"][] = [
  { registry: "npm", package: "axios", version: "1.7.9" },
  { registry: "pypi", package: "click", version: "8.1.7" },
];

/** Wall seconds and CPU seconds of one call. */
async function clocked(run: () => Promise<unknown>): Promise<{ s: number; cpu: number }> {
  const since = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(since);
  return { s: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 };
}

const both = ({ s, cpu }: { s: number; cpu: number }): string => `${s.toFixed(1)} s (${cpu.toFixed(1)} CPU s)`;

export async function scaleLatency(sets: readonly QuestionSet[], packages: string, storeDir: string, log: (line: string) => void): Promise<string> {
  const folder = path.join(packages, "..", "scale");
  if (!existsSync(folder)) {
    mkdirSync(folder, { recursive: true });
    const sources = [...sets.map((set) => ({ install: set.install, root: installCodebase(set, packages) })),
      ...EXTRA.map((install) => ({ install, root: installPackage(install, packages) }))];
    for (const { install, root } of sources) cpSync(root, path.join(folder, `${install.package}-${install.version}`), { recursive: true });
  }
  const indexed = await (await Workspace.open(folder, { storeDir })).index();
  const questions = sets.flatMap((set) => set.questions.map((q) => q.question));
  const layout = new StoreLayout(storeDir);
  const store = (await readStore(layout)).store!;
  const writeVectors = await clocked(() => new SemanticSignal().generationFiles(layout, store.catalog.files, undefined));
  const buildVectors = await clocked(() => new SemanticSignal().rankings(layout, { ...store, files: store.catalog.files, extraFiles: new Map() }, questions[0]!));
  const workspace = await Workspace.open(folder, { storeDir });
  const cold = await clocked(() => workspace.ask(questions[0]!, { top: 10 }));
  const ms: number[] = [];
  for (const question of questions) {
    const started = performance.now();
    await workspace.ask(question, { top: 10 });
    ms.push(performance.now() - started);
  }
  const perK = (1000 * writeVectors.cpu) / indexed.tokens;
  const line = `${indexed.tokens.toLocaleString("en-US")} tokens (${indexed.files} files, ${indexed.chunks} chunks, memory ${indexed.memory?.shards ?? 0} shards): shipped ask p50 ${percentile(ms, 0.5).toFixed(0)} ms, p95 ${percentile(ms, 0.95).toFixed(0)} ms over ${ms.length} questions, warm (top 10). Cold, the first ask of a fresh process took ${both(cold)}, reading the stored semantic vectors and opening the memory; building the vectors from the chunks instead (a store without them) takes ${both(buildVectors)}. Writing them at index time costs ${both(writeVectors)} from scratch (${perK.toFixed(4)} CPU s / 1K tokens); an incremental index embeds only its new chunks.`;
  log(line);
  return line;
}
