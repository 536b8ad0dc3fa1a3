import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { longLensCacheDir } from "../src/engine/store/defaultStoreDir";

/**
 * Real JavaScript/TypeScript sources, pinned so that runs compare. About 290 MB installed, of which about
 * 125 MB lies in files under the default 1 MiB limit (the rest is bundles and source maps the walk skips);
 * the last five packages were added to bring what is actually read above 100 MB.
 */
const PACKAGES = [
  "typescript@5.9.3",
  "monaco-editor@0.52.2",
  "three@0.170.0",
  "rxjs@7.8.2",
  "lodash@4.17.21",
  "@babel/core@7.26.0",
  "eslint@9.17.0",
  "date-fns@4.1.0",
  "echarts@5.5.1",
  "webpack@5.97.1",
  "prettier@3.4.2",
  "@angular/compiler@19.0.5",
];

/** The benchmark tree, installed once with npm into the LongLens cache (never into the repository). */
export async function benchTree(): Promise<string> {
  const dir = path.join(longLensCacheDir(), "bench-tree");
  const stamp = path.join(dir, "packages.txt");
  const wanted = `${PACKAGES.join("\n")}\n`;
  if ((await readFile(stamp, "utf8").catch(() => "")) === wanted) return dir;
  await mkdir(dir, { recursive: true });
  console.error(`Installing the benchmark tree into ${dir} ...`);
  execFileSync("npm", ["install", "--prefix", dir, "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", ...PACKAGES], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  await writeFile(stamp, wanted);
  return dir;
}
