import { readFileSync } from "node:fs";

/**
 * Who holds a lock: a pid alone is not enough, since pids are reused (after a reboot, or by a container's
 * next process), so on Linux the process start time and the boot id go with it.
 */
export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22), where the platform says. */
  started?: string;
  boot?: string;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
}

function startTime(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  // Fields after the command name, which is in parentheses and may itself hold spaces or ')'.
  const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields?.[19];
}

const bootId = (): string | undefined => readText("/proc/sys/kernel/random/boot_id");

export function identityOf(pid: number): ProcessIdentity {
  const started = startTime(pid);
  const boot = bootId();
  return { pid, ...(started ? { started } : {}), ...(boot ? { boot } : {}) };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether the process that wrote `owner` still runs: same pid, and where known the same start and boot. */
export function isAlive(owner: ProcessIdentity): boolean {
  if (!isRunning(owner.pid)) return false;
  const now = identityOf(owner.pid);
  if (owner.boot && now.boot && owner.boot !== now.boot) return false;
  return !(owner.started && now.started && owner.started !== now.started);
}

/** The identity in a lock file: JSON, or a bare pid as version 1 stores wrote. */
export function parseIdentity(text: string): ProcessIdentity | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    const identity = typeof value === "number" ? { pid: value } : (value as ProcessIdentity | null);
    if (Number.isInteger(identity?.pid) && identity!.pid > 0) return identity!;
  } catch {
    // Unreadable: nobody we could wait for holds it.
  }
  return undefined;
}
