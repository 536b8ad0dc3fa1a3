import { open, readFile, rm } from "node:fs/promises";
import { LongLensError } from "../errors";
import type { StoreLayout } from "./storeLayout";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Only one index run may write a store at a time (the CLI and the editor may both try). The lock file holds
 * the writer's pid; a lock left by a process that no longer runs is taken over. Returns the release function.
 */
export async function lockStore(layout: StoreLayout): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(layout.lock, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(layout.lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(await readFile(layout.lock, "utf8").catch(() => ""), 10);
      if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
        throw new LongLensError(`Another LongLens index run (process ${owner}) is updating ${layout.dir}; try again when it finishes.`, "BUSY");
      }
      await rm(layout.lock, { force: true });
    }
  }
  throw new LongLensError(`Cannot lock the index at ${layout.dir}; remove ${layout.lock} if no LongLens is running.`, "BUSY");
}
