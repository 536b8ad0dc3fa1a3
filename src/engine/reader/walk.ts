import type { Dirent, Stats } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import type { SkippedFile } from "../types";
import { errorCode } from "./errorCode";
import { IgnoreRules } from "./ignoreRules";
import { looksLikeSecret } from "./secrets";
import { formatBytes } from "./sizeLimits";

/** A file the walk will hand to the reader: metadata only, contents are read later (and only when needed). */
export interface WalkedFile {
  /** Relative to the root, forward slashes (the file's base name for a single-file root). */
  path: string;
  absPath: string;
  size: number;
  mtimeMs: number;
}

export type WalkEntry = { file: WalkedFile } | { skipped: SkippedFile };

export interface WalkOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  maxFileBytes: number;
  /** Absolute paths never entered (the store folder, when it lies inside the root). */
  skipPaths?: readonly string[];
}

interface WalkContext {
  include: Ignore | undefined;
  maxFileBytes: number;
  skipPaths: ReadonlySet<string>;
  /** Real paths of folders already walked: a second visit is a symlink loop or a duplicate. */
  visited: Set<string>;
}

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Walks `root` (a folder, or a single file) in sorted depth-first order, yielding files to read and files
 * passed over with their reason. Git-ignored paths and `.git` are skipped silently; nothing is fatal.
 */
export async function* walkWorkspace(root: string, isSingleFile: boolean, options: WalkOptions): AsyncGenerator<WalkEntry> {
  if (isSingleFile) {
    const stats = await stat(root);
    yield { file: { path: path.basename(root), absPath: root, size: stats.size, mtimeMs: stats.mtimeMs } };
    return;
  }
  const context: WalkContext = {
    include: options.include && options.include.length > 0 ? ignore().add([...options.include]) : undefined,
    maxFileBytes: options.maxFileBytes,
    skipPaths: new Set(options.skipPaths ?? []),
    visited: new Set([await realpath(root)]),
  };
  yield* walkFolder(root, "", await IgnoreRules.forRoot(root, options.exclude), [...context.visited], context);
}

async function* walkFolder(
  dirAbs: string,
  dirRel: string,
  rules: IgnoreRules,
  ancestors: readonly string[],
  context: WalkContext,
): AsyncGenerator<WalkEntry> {
  let entries: Dirent[];
  try {
    entries = await readdir(dirAbs, { withFileTypes: true });
  } catch (error) {
    yield { skipped: { path: `${dirRel}/`, reason: `unreadable folder (${errorCode(error)})` } };
    return;
  }
  for (const entry of entries.sort(byName)) {
    if (entry.name === ".git") continue;
    const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
    const abs = path.join(dirAbs, entry.name);
    if (context.skipPaths.has(abs)) continue;

    let stats: Stats | undefined;
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        stats = await stat(abs);
      } catch (error) {
        yield { skipped: { path: rel, reason: `broken symlink (${errorCode(error)})` } };
        continue;
      }
      isDirectory = stats.isDirectory();
      isFile = stats.isFile();
    }
    if (!isDirectory && !isFile) continue; // sockets, pipes and devices hold no source

    const ignoredBy = rules.ignoredBy(rel, isDirectory);
    if (ignoredBy) {
      if (ignoredBy !== "git") yield { skipped: { path: isDirectory ? `${rel}/` : rel, reason: `excluded by ${ignoredBy}` } };
      continue;
    }

    if (isDirectory) {
      const real = await realpath(abs).catch(() => abs);
      if (context.visited.has(real)) {
        const reason = ancestors.includes(real) ? "symlink loop" : "same folder as another path already walked";
        yield { skipped: { path: `${rel}/`, reason } };
        continue;
      }
      context.visited.add(real);
      yield* walkFolder(abs, rel, await rules.forFolder(abs, rel), [...ancestors, real], context);
      continue;
    }

    if (context.include && !context.include.ignores(rel)) continue;
    if (looksLikeSecret(rel)) {
      yield { skipped: { path: rel, reason: "possible secret (never indexed)" } };
      continue;
    }
    try {
      stats ??= await stat(abs);
    } catch (error) {
      yield { skipped: { path: rel, reason: `unreadable (${errorCode(error)})` } };
      continue;
    }
    if (stats.size > context.maxFileBytes) {
      yield { skipped: { path: rel, reason: `larger than ${formatBytes(context.maxFileBytes)}` } };
      continue;
    }
    yield { file: { path: rel, absPath: abs, size: stats.size, mtimeMs: stats.mtimeMs } };
  }
}
