// The whole bad-input corpus (npm run test:stress), the heavy kinds included: 20,000 files, a 200 MB file and a
// 30 MB one-line file, each indexed within the memory bound. With LONGLENS_WRITE_TABLES=1 the outcomes go into
// the README's table between <!-- bad-input:start --> and <!-- bad-input:end -->.
import assert from "node:assert/strict";
import path from "node:path";
import { after, test } from "node:test";
import { KINDS, writeLines, writeMinified } from "./corpus";
import { type Kind, MAX_RSS_MIB, type Outcome, measured, outcomeTable, permissionProblem, runKind, writeReadmeTable } from "./harness";
import { tempDir } from "../fixtures/fixtureTrees";

/** Peak memory allowed for reading and chunking alone: the chunks of a window, never the file. */
const MAX_READER_RSS_MIB = 256;
const MiB = 1_048_576;

const rows: { kind: Kind; outcome: Outcome }[] = [];

for (const kind of KINDS) {
  test(`bad input: ${kind.name}`, async (t) => {
    const problem = kind.asNobody ? permissionProblem() : undefined;
    if (problem) {
      t.skip(problem);
      return;
    }
    const outcome = await runKind(kind, await tempDir(t, "longlens-stress-"));
    rows.push({ kind, outcome });
    if (outcome.maxRssMiB !== undefined) assert.ok(outcome.maxRssMiB <= MAX_RSS_MIB, `peak memory ${Math.round(outcome.maxRssMiB)} MiB`);
  });
}

test("reading and chunking a 200 MB file and a 30 MB one-line file holds a window, not the file", async (t) => {
  const dir = await tempDir(t, "longlens-stress-");
  const lines = path.join(dir, "huge.ts");
  const minified = path.join(dir, "bundle.min.js");
  await writeLines(lines, 200 * MiB);
  await writeMinified(minified, 30 * MiB);
  for (const file of [lines, minified]) {
    const { output, maxRssMiB } = measured<{ chunks: number; longest: number }>("chunkOnce.ts", [file]);
    assert.ok(maxRssMiB <= MAX_READER_RSS_MIB, `${path.basename(file)}: peak memory ${Math.round(maxRssMiB)} MiB`);
    assert.ok(output.longest <= 2400 + 200, `${path.basename(file)}: a chunk of ${output.longest} characters`);
    t.diagnostic(`${path.basename(file)}: ${output.chunks} chunks, longest ${output.longest} characters, peak memory ${Math.round(maxRssMiB)} MiB`);
  }
});

after(async () => {
  if (process.env.LONGLENS_WRITE_TABLES !== "1") return;
  const ran = KINDS.filter((kind) => rows.some((row) => row.kind === kind));
  assert.equal(ran.length, KINDS.length, "the table is written only from a run that reached every kind");
  await writeReadmeTable("bad-input", outcomeTable(KINDS.map((kind) => rows.find((row) => row.kind === kind)!)));
});
