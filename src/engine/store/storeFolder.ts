import { chmod, mkdir, readFile, readdir, stat } from "node:fs/promises";
import { LongLensError } from "../errors";
import { writeFileAtomic } from "./atomicFile";
import { DIR_MODE, MARKER_NAME, STORE_FORMAT, type StoreLayout } from "./storeLayout";

const MARKER_TEXT = "This folder is a LongLens index. LongLens writes and deletes only its own files here.\n";

/** A version 1 store had no marker; its manifest names the format. */
async function isUnmarkedStore(layout: StoreLayout): Promise<boolean> {
  const text = await readFile(layout.manifest, "utf8").catch(() => "");
  try {
    return (JSON.parse(text) as { format?: unknown }).format === STORE_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Why the folder cannot hold a store, or undefined when it can: it does not exist, is empty, or is one
 * LongLens made. Any other folder is refused, so that cleaning the store up can never delete a user's files.
 */
export async function storeFolderProblem(layout: StoreLayout): Promise<string | undefined> {
  const stats = await stat(layout.dir).catch(() => undefined);
  if (!stats) return undefined;
  if (!stats.isDirectory()) return `The store location ${layout.dir} is not a folder; pass a folder (or nothing) as the store.`;
  const names = await readdir(layout.dir);
  if (names.length === 0 || names.includes(MARKER_NAME) || (await isUnmarkedStore(layout))) return undefined;
  return `The store location ${layout.dir} holds files LongLens did not write; pass an empty or new folder as the store.`;
}

/** Refuses a folder that cannot hold a store, before anything is written. */
export async function checkStoreFolder(layout: StoreLayout): Promise<void> {
  const problem = await storeFolderProblem(layout);
  if (problem) throw new LongLensError(problem, "BAD_STORE");
}

/** Makes the folder a store (owner-only), or refuses it; returns once the marker is on disk. */
export async function claimStoreFolder(layout: StoreLayout): Promise<void> {
  await checkStoreFolder(layout);
  await mkdir(layout.dir, { recursive: true, mode: DIR_MODE });
  // A store made by an older LongLens (or a folder the user made) may be readable by others.
  await chmod(layout.dir, DIR_MODE);
  if (!(await readdir(layout.dir)).includes(MARKER_NAME)) await writeFileAtomic(layout.marker, MARKER_TEXT);
}
