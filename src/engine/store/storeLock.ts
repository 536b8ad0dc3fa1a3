import { link, readFile, rm, writeFile } from "node:fs/promises";
import { LongLensError } from "../errors";
import { errorCode } from "../reader/errorCode";
import { temporaryPath } from "./atomicFile";
import { identityOf, isAlive, parseIdentity } from "./processIdentity";
import { FILE_MODE, type StoreLayout } from "./storeLayout";

/** Creates the lock file with its contents in one step (a hard link fails if the name exists), so that no
 *  other process can ever read a lock that is still empty and take it for stale. */
async function createLock(layout: StoreLayout): Promise<boolean> {
  const temporary = temporaryPath(layout.lock);
  try {
    await writeFile(temporary, JSON.stringify(identityOf(process.pid)), { mode: FILE_MODE });
    await link(temporary, layout.lock);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * Only one index run may write a store at a time (the CLI and the editor may both try). The lock file holds
 * the writer's identity; a lock left by a process that no longer runs (or whose pid now belongs to another
 * process) is taken over. Returns the release function.
 */
export async function lockStore(layout: StoreLayout): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createLock(layout)) return () => rm(layout.lock, { force: true });
    const owner = parseIdentity(await readFile(layout.lock, "utf8").catch(() => ""));
    if (owner && isAlive(owner)) {
      throw new LongLensError(`Another LongLens index run (process ${owner.pid}) is updating ${layout.dir}; try again when it finishes.`, "BUSY");
    }
    await rm(layout.lock, { force: true });
  }
  throw new LongLensError(`Cannot lock the index at ${layout.dir}; remove ${layout.lock} if no LongLens is running.`, "BUSY");
}
