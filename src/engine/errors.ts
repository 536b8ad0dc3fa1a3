/**
 * An error meant for the user: its message is one line that says what is wrong
 * and, where it helps, what to do. Anything else that escapes is a bug.
 */
export class LongLensError extends Error {
  constructor(message: string, readonly code: string = "LONGLENS") {
    super(message);
    this.name = "LongLensError";
  }
}

/** One line for the user, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof LongLensError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`.split("\n")[0]!;
  return String(error).split("\n")[0]!;
}
