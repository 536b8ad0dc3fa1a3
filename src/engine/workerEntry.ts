// Where a worker thread of the engine starts from: the bundle's dist/<name>.js next to the running code; else,
// running from sources, <name>.ts through tsx. Node 20 applies no `--import tsx` hooks to a worker's entry file
// ("Unknown file extension .ts"), so that worker starts from a line of code that installs tsx's require hook
// and then loads the TypeScript.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { WorkerOptions } from "node:worker_threads";

export interface WorkerEntry {
  filename: string;
  options: WorkerOptions;
}

/** sourceDir: the folder of the worker's .ts file (the caller's __dirname when running from sources). */
export function workerEntry(sourceDir: string, name: string): WorkerEntry | undefined {
  const bundled = path.join(sourceDir, `${name}.js`);
  if (existsSync(bundled)) return { filename: bundled, options: {} };
  const source = path.join(sourceDir, `${name}.ts`);
  if (!existsSync(source)) return undefined;
  let tsx: string;
  try {
    tsx = createRequire(__filename).resolve("tsx/cjs");
  } catch {
    return undefined; // sources run by some other loader: the caller does the work on its own thread
  }
  return { filename: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, options: { eval: true } };
}
