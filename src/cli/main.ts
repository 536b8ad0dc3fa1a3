// The `longlens` command: parse, run, and turn any failure into one line on stderr and an exit status.
import { version } from "../../package.json";
import { describeError, LongLensError } from "../engine/errors";
import { parseCommand } from "./arguments";
import { INTERRUPTED, INTERRUPTED_EXIT } from "./interrupt";
import { runCommand } from "./run";
import { USAGE_ERROR } from "./usage";

function exitStatus(error: unknown): number {
  if (!(error instanceof LongLensError)) return 1;
  if (error.code === USAGE_ERROR) return 2;
  return error.code === INTERRUPTED ? INTERRUPTED_EXIT : 1;
}

// Started inside a promise so that a usage error thrown while parsing takes the same path.
Promise.resolve()
  .then(() => runCommand(parseCommand(process.argv.slice(2)), version))
  .catch((error: unknown) => {
    process.stderr.write(`longlens: ${describeError(error)}\n`);
    process.exitCode = exitStatus(error);
  });
