// Ctrl-C aborts the running work through an AbortSignal, so the engine can leave its store intact;
// a second Ctrl-C exits at once.
import { LongLensError } from "../engine/errors";

export const INTERRUPTED = "INTERRUPTED";
export const INTERRUPTED_EXIT = 130;

export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    return await work(controller.signal);
  } catch (error) {
    // Whatever the engine threw on its way out, the cause was the user's Ctrl-C.
    if (controller.signal.aborted) throw new LongLensError("Interrupted; the previous index is unchanged.", INTERRUPTED);
    throw error;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
