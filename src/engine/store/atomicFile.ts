import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { FILE_MODE } from "./storeLayout";

/** A sibling temporary name; a crash leaves only such names behind, never a half-written real one. */
export function temporaryPath(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** Flushes a file or folder to disk (folders: so that a rename inside them survives a crash). */
export async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, "r");
  try {
    await handle.sync();
  } catch {
    // Some platforms (Windows folders) cannot sync a folder; the rename is then as durable as the OS makes it.
  } finally {
    await handle.close();
  }
}

/** Writes `data` to `target` so that readers see either the old file or the whole new one. */
export async function writeFileAtomic(target: string, data: Uint8Array | string, durable = true): Promise<void> {
  const temporary = temporaryPath(target);
  try {
    const handle = await open(temporary, "w", FILE_MODE);
    try {
      await handle.writeFile(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
