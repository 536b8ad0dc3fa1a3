import type { Dirent, Stats } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import type { SkippedFile } from "../types";
import { errorCode } from "./errorCode";
import { IgnoreRules, type WarningSink } from "./ignoreRules";
import { SPECIAL_FILE_REASON, specialFileProblem } from "./regularFile";
import { SECRET_NAME_REASON, linkLooksLikeSecret, looksLikeSecret } from "./secrets";
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
  /** Folders outside the root that links may lead into; links that leave the root for anywhere else are skipped. */
  allowedOutsideRoots?: readonly string[];
  /** Receives problems that cost no file (an ignore pattern that cannot be compiled), one line each. */
  onWarning?: WarningSink;
}

interface WalkContext {
  include: Ignore | undefined;
  maxFileBytes: number;
  skipPaths: ReadonlySet<string>;
  /** Real paths of the root and of the allowed outside folders: links may resolve inside these only. */
  roots: readonly string[];
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
    const name = path.basename(root);
    // Named on its own, a secret is still a secret: its name and, through links, its real name are checked.
    if (linkLooksLikeSecret(name, await realpath(root))) {
      yield { skipped: { path: name, reason: SECRET_NAME_REASON } };
      return;
    }
    const stats = await stat(root);
    yield { file: { path: name, absPath: root, size: stats.size, mtimeMs: stats.mtimeMs } };
    return;
  }
  const rootReal = await realpath(root);
  const allowed = await Promise.all((options.allowedOutsideRoots ?? []).map((folder) => realpath(folder).catch(() => path.resolve(folder))));
  const context: WalkContext = {
    include: options.include && options.include.length > 0 ? ignore().add([...options.include]) : undefined,
    maxFileBytes: options.maxFileBytes,
    skipPaths: new Set(options.skipPaths ?? []),
    roots: [rootReal, ...allowed],
    visited: new Set([rootReal]),
  };
  yield* walkFolder(root, "", await IgnoreRules.forRoot(root, options.exclude, options.onWarning), [rootReal], context);
}

/** True when `real` (a resolved path) lies in the root or in one of the allowed folders. */
function insideRoots(real: string, roots: readonly string[]): boolean {
  return roots.some((root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}

interface FollowedLink {
  real?: string;
  /** What the link leads to, when it leads anywhere: folder-only ignore rules apply to links to folders. */
  stats?: Stats;
  /** Why the link is passed over (broken, outside the root, special, a secret's name); undefined when it is followed. */
  problem?: string;
}

async function followLink(abs: string, rel: string, context: WalkContext): Promise<FollowedLink> {
  let real: string;
  let stats: Stats;
  try {
    real = await realpath(abs);
    stats = await stat(real);
  } catch (error) {
    const code = errorCode(error);
    return { problem: code === "ELOOP" ? "symlink loop" : `broken symlink (${code})` };
  }
  const problem =
    specialFileProblem(real, stats) ??
    (insideRoots(real, context.roots) ? undefined : "link outside root") ??
    (stats.isFile() && linkLooksLikeSecret(rel, real) ? SECRET_NAME_REASON : undefined);
  return problem ? { stats, problem } : { real, stats };
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
    let real: string | undefined;
    let linkProblem: string | undefined;
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      ({ real, stats, problem: linkProblem } = await followLink(abs, rel, context));
      isDirectory = stats?.isDirectory() ?? false;
      isFile = stats?.isFile() ?? false;
    }

    const ignoredBy = rules.ignoredBy(rel, isDirectory);
    if (ignoredBy) {
      if (ignoredBy !== "git") yield { skipped: { path: isDirectory ? `${rel}/` : rel, reason: `excluded by ${ignoredBy}` } };
      continue;
    }
    if (linkProblem) {
      yield { skipped: { path: isDirectory ? `${rel}/` : rel, reason: linkProblem } };
      continue;
    }
    if (!isDirectory && !isFile) {
      // Sockets, FIFOs and devices hold no source, and opening some of them never returns.
      yield { skipped: { path: rel, reason: SPECIAL_FILE_REASON } };
      continue;
    }

    if (isDirectory) {
      real ??= await realpath(abs).catch(() => abs);
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
      yield { skipped: { path: rel, reason: SECRET_NAME_REASON } };
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
