// Results go to stdout through writeOutput, which waits for each write: a reader that went away (EPIPE, as
// in `longlens ask ... | head`) ends the command quietly, as Unix tools do, and any other write error (a full
// disk) becomes one line on stderr and exit status 1, never a stack trace.
import { LongLensError, errorCode } from "../engine";

export const OUTPUT_CLOSED = "OUTPUT_CLOSED";

function outputError(error: Error): LongLensError {
  if (errorCode(error) === "EPIPE") return new LongLensError("The reader of the output went away.", OUTPUT_CLOSED);
  return new LongLensError(`Cannot write the output (${error.message.split("\n")[0]}).`, "OUTPUT");
}

export function writeOutput(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(outputError(error)) : resolve()));
  });
}

/** The streams report write errors as 'error' events too; writeOutput's callback handles them for stdout,
 *  and a failing stderr has nowhere left to report to. */
export function handleStreamErrors(): void {
  process.stdout.on("error", () => undefined);
  process.stderr.on("error", () => undefined);
}
