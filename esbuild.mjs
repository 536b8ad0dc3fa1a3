// Builds every bundle LongLens ships, and with --package also the VSIX.
//
//   node esbuild.mjs                      build for this machine's platform
//   node esbuild.mjs --watch              rebuild on change (F5 development)
//   node esbuild.mjs --target linux-x64   prune the native runtime to another platform
//   node esbuild.mjs --package            build, then write longlens-<version>-<target>.vsix
import * as esbuild from "esbuild";
import { chmod, cp, mkdir, readdir, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: flags } = parseArgs({
  options: {
    watch: { type: "boolean", default: false },
    package: { type: "boolean", default: false },
    target: { type: "string", default: `${process.platform}-${process.arch}` },
  },
});

const root = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(root, "dist");

const nodeDefaults = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  logLevel: "info",
  // The native runtime cannot be bundled: it is copied next to the bundles instead (see copyOnnxRuntime).
  // The tree-sitter package is only looked up when dist/wasm is missing (running from sources).
  external: ["onnxruntime-node", "@vscode/tree-sitter-wasm/package.json"],
};

/** Every build LongLens needs; webview entries exist only once media/src has some. */
async function buildOptions() {
  const integrationEntries = await filesUnder("test/integration", { recursive: true });
  const webviewEntries = await filesUnder("media/src", { recursive: false });
  const options = [
    { ...nodeDefaults, entryPoints: ["src/extension/extension.ts"], outfile: "dist/extension.js", external: [...nodeDefaults.external, "vscode"] },
    { ...nodeDefaults, entryPoints: ["src/cli/main.ts"], outfile: "dist/cli.js", banner: { js: "#!/usr/bin/env node" } },
    // Worker threads that chunk files start from this file, next to extension.js and cli.js.
    { ...nodeDefaults, entryPoints: ["src/engine/chunk/chunkWorker.ts"], outfile: "dist/chunkWorker.js" },
    // The memory pass runs the model on its own thread, from this file.
    { ...nodeDefaults, entryPoints: ["src/engine/indexing/memoryWorker.ts"], outfile: "dist/memoryWorker.js" },
    { ...nodeDefaults, entryPoints: ["src/engine/indexing/preWorker.ts"], outfile: "dist/preWorker.js" },
    { ...nodeDefaults, entryPoints: ["src/engine/indexing/indexWorker.ts"], outfile: "dist/indexWorker.js" },
    // The extension's inspector runs the model here, off the extension host's thread.
    { ...nodeDefaults, entryPoints: ["src/engine/inspect/inspectWorker.ts"], outfile: "dist/inspectWorker.js" },
    {
      ...nodeDefaults,
      entryPoints: integrationEntries,
      outdir: "dist/test/integration",
      outbase: "test/integration",
      // mocha loads test files by path at run time, so it must stay a real module.
      external: [...nodeDefaults.external, "vscode", "mocha", "@vscode/test-electron"],
    },
  ];
  if (webviewEntries.length > 0) {
    options.push({
      entryPoints: webviewEntries,
      outdir: "media/dist",
      bundle: true,
      platform: "browser",
      format: "iife",
      target: "es2022",
      // The hits view bundles highlight.js grammars: minified, the page loads less.
      minify: true,
      sourcemap: true,
      logLevel: "info",
    });
  }
  return options;
}

/** TypeScript entry points under `folder`, as root-relative paths. */
async function filesUnder(folder, { recursive }) {
  const absolute = path.join(root, folder);
  if (!existsSync(absolute)) return [];
  const entries = await readdir(absolute, { recursive, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}

/** tree-sitter grammars are loaded from disk at run time; the engine looks in dist/wasm first. */
async function copyTreeSitterWasm() {
  const source = path.join(root, "node_modules/@vscode/tree-sitter-wasm/wasm");
  const target = path.join(dist, "wasm");
  await mkdir(target, { recursive: true });
  for (const name of await readdir(source)) {
    if (name.endsWith(".wasm")) await cp(path.join(source, name), path.join(target, name));
  }
}

/**
 * Places onnxruntime-node (and its one runtime dependency) in dist/node_modules, keeping only the
 * native binaries of `target`, so that the VSIX carries one platform's ~50 MB instead of all five.
 */
async function copyOnnxRuntime(target) {
  const [platform, arch] = target.split("-");
  const binaries = path.join(root, "node_modules/onnxruntime-node/bin/napi-v6", platform ?? "", arch ?? "");
  if (!existsSync(binaries)) {
    throw new Error(`onnxruntime-node ships no native binaries for ${target} (looked in ${path.relative(root, binaries)})`);
  }
  const modules = path.join(dist, "node_modules");
  await rm(modules, { recursive: true, force: true });
  const skipMaps = (src) => !src.endsWith(".map") && !src.endsWith(".d.ts");
  const ort = path.join(modules, "onnxruntime-node");
  await cp(path.join(root, "node_modules/onnxruntime-node/package.json"), path.join(ort, "package.json"));
  await cp(path.join(root, "node_modules/onnxruntime-node/dist"), path.join(ort, "dist"), { recursive: true, filter: skipMaps });
  await cp(binaries, path.join(ort, "bin/napi-v6", platform, arch), { recursive: true });
  const common = path.join(modules, "onnxruntime-common");
  await cp(path.join(root, "node_modules/onnxruntime-common/package.json"), path.join(common, "package.json"));
  await cp(path.join(root, "node_modules/onnxruntime-common/dist/cjs"), path.join(common, "dist/cjs"), { recursive: true, filter: skipMaps });
}

async function packageVsix(target) {
  const { createVSIX } = await import("@vscode/vsce");
  // Dependencies are already in dist/ (bundled, or copied and pruned above). The README's relative links and
  // screenshots stay as written: with no repository URL, vsce cannot rewrite them and would refuse to package.
  await createVSIX({ cwd: root, target, dependencies: false, allowMissingRepository: true, rewriteRelativeLinks: false });
}

process.chdir(root);
const contexts = await Promise.all((await buildOptions()).map((option) => esbuild.context(option)));
await Promise.all(contexts.map((context) => context.rebuild()));
await chmod(path.join(dist, "cli.js"), 0o755);
await copyTreeSitterWasm();
await copyOnnxRuntime(flags.target);
if (flags.watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.dispose()));
  if (flags.package) await packageVsix(flags.target);
}
