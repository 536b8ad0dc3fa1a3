// The `longlens` command: parse, run, and turn any failure into one line on stderr and an exit status.
import { version } from "../../package.json";
import { setTimeout as sleep } from "node:timers/promises";
import { describeError, jobWorkersStopped, LongLensError } from "../engine";
import { parseCommand } from "./arguments";
import { Interrupted } from "./interrupt";
import { OUTPUT_CLOSED, handleStreamErrors } from "./output";
import { runCommand } from "./run";
import { printable } from "./terminalText";
import { USAGE_ERROR } from "./usage";

/** How long an interrupted command waits for the engine's worker threads to stop before it exits anyway. */
const WORKERS_STOP_MS = 5_000;

function exitStatus(error: unknown): number {
  if (error instanceof Interrupted) return error.exitStatus;
  return error instanceof LongLensError && error.code === USAGE_ERROR ? 2 : 1;
}

handleStreamErrors();
// Started inside a promise so that a usage error thrown while parsing takes the same path.
Promise.resolve()
  .then(() => runCommand(parseCommand(process.argv.slice(2)), version))
  .catch((error: unknown) => {
    if (error instanceof LongLensError && error.code === OUTPUT_CLOSED) return; // `| head` had enough: status 0
    process.stderr.write(`longlens: ${printable(describeError(error))}\n`);
    process.exitCode = exitStatus(error);
    // The engine has put everything back. Its worker threads stop at their next clean point (one may still be
    // loading the model): exiting while one is inside onnxruntime would abort the process, so wait for them,
    // then exit rather than wait for anything else still starting up.
    if (error instanceof Interrupted) return Promise.race([jobWorkersStopped(), sleep(WORKERS_STOP_MS, undefined, { ref: false })]).then(() => process.exit());
    return undefined;
  });
