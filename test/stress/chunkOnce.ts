// Reads and chunks one large file the way the index streams it (probe, then line windows) and prints the chunk
// count and the longest chunk as JSON: the process the stress test runs under /usr/bin/time to measure the
// reader's own peak memory, apart from the index the chunks go into.
import { probeLargeFile, streamLineWindows } from "../../src/engine/chunk/streamLineWindows";

async function main(): Promise<void> {
  const file = process.argv[2]!;
  const probe = await probeLargeFile(file);
  if ("skippedReason" in probe) throw new Error(probe.skippedReason);
  let chunks = 0;
  let longest = 0;
  for await (const chunk of streamLineWindows(file, probe)) {
    chunks++;
    longest = Math.max(longest, chunk.text.length);
  }
  process.stdout.write(`${JSON.stringify({ chunks, longest })}\n`);
}

void main();
