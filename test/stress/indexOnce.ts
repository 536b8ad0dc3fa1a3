// Indexes one path (lexical index only, no memory pass) and prints the result as JSON: the process the corpus
// runs as another user (permissions), and under /usr/bin/time to measure the peak memory on a huge file.
import { Workspace } from "../../src/engine/workspace";

async function main(): Promise<void> {
  const [target, store] = process.argv.slice(2);
  const workspace = await Workspace.open(target!, { storeDir: store!, memory: false });
  process.stdout.write(`${JSON.stringify(await workspace.index())}\n`);
}

void main();
