// `npm run bench -- <name> [args]`: runs one benchmark and prints its markdown report.
import { describeError } from "../src/engine/errors";
import { walkBench } from "./walk";

type Bench = (args: string[]) => Promise<void>;

const BENCHES: Record<string, Bench> = {
  walk: walkBench,
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join("|")}> [args]`);
    process.exitCode = 2;
    return;
  }
  await bench(args);
}

main().catch((error: unknown) => {
  console.error(describeError(error));
  process.exitCode = 1;
});
