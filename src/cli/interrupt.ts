// Ctrl-C (SIGINT), SIGTERM and SIGHUP abort the running work through an AbortSignal, so that an index run can
// leave its store intact and release its lock; a second signal exits at once. Work that writes nothing
// (answering questions) exits at the first: its store is written atomically even when it indexes first.
import os from "node:os";
import { LongLensError } from "../engine";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export class Interrupted extends LongLensError {
  /** 128 + the signal number, as a shell reports a process the signal ended: 130, 143, 129. */
  readonly exitStatus: number;

  constructor(signal: NodeJS.Signals) {
    super(`Interrupted by ${signal}; the previous index is unchanged.`, "INTERRUPTED");
    this.exitStatus = 128 + os.constants.signals[signal];
  }
}

function exitNow(signal: NodeJS.Signals): never {
  const interrupted = new Interrupted(signal);
  process.stderr.write(`longlens: ${interrupted.message}\n`);
  process.exit(interrupted.exitStatus);
}

export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>, stopAtOnce: boolean): Promise<T> {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received || stopAtOnce) exitNow(signal);
    received = signal;
    controller.abort();
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  try {
    return await work(controller.signal);
  } catch (error) {
    // Whatever the engine threw on its way out, the cause was the signal.
    if (received) throw new Interrupted(received);
    throw error;
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
}
