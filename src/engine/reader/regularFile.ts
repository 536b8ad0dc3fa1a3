import { type Stats, close, constants, fstat, open, readFile } from "node:fs";
import { type FileHandle, open as openHandle } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

/** Why a device, FIFO, socket or kernel file is passed over. */
export const SPECIAL_FILE_REASON = "special file (never read)";

/**
 * Opening a FIFO waits for a writer, and a read of a device such as /proc/kmsg waits for data, so neither is
 * ever opened for reading. O_NONBLOCK makes even the open of a FIFO swapped in after the walk return at once;
 * on a regular file it changes nothing.
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Kernel file systems: their "regular" files are generated on read (process memory, environments, logs). */
const KERNEL_FOLDERS = ["/proc", "/sys"];

/** True for a path (already resolved through links) inside /proc or /sys. */
export function inKernelFileSystem(realAbs: string): boolean {
  return process.platform !== "win32" && KERNEL_FOLDERS.some((folder) => realAbs === folder || realAbs.startsWith(folder + path.sep));
}

/** Why a path with these stats, resolved through links to `realAbs`, is never read; undefined for a source file or folder. */
export function specialFileProblem(realAbs: string, stats: Stats): string | undefined {
  if (!stats.isFile() && !stats.isDirectory()) return SPECIAL_FILE_REASON;
  return inKernelFileSystem(realAbs) ? SPECIAL_FILE_REASON : undefined;
}

const openFd = promisify(open);
const fstatFd = promisify(fstat);
const closeFd = promisify(close);
const readFd = promisify(readFile);

/**
 * A regular file's whole contents, or undefined when the path (now) names something else. Callback fs calls
 * as promises: for the small files of a source tree they cost less CPU than fs/promises' file handles.
 */
export async function readRegularFile(absPath: string): Promise<Buffer | undefined> {
  const fd = await openFd(absPath, READ_FLAGS);
  try {
    return (await fstatFd(fd)).isFile() ? await readFd(fd) : undefined;
  } finally {
    await closeFd(fd);
  }
}

/** A handle on a regular file, or undefined when the path (now) names something else. */
export async function openRegularFile(absPath: string): Promise<FileHandle | undefined> {
  const handle = await openHandle(absPath, READ_FLAGS);
  if ((await handle.stat()).isFile()) return handle;
  await handle.close();
  return undefined;
}
