// The whole bad-input corpus (npm run test:stress), the heavy kinds included: 20,000 files, a 200 MB file and a
// 30 MB one-line file, each indexed within the memory bound. With LONGLENS_WRITE_TABLES=1 the outcomes go into
// the README's table between <!-- bad-input:start --> and <!-- bad-input:end -->.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { KINDS } from "./corpus";
import { type Kind, type Outcome, outcomeTable, permissionProblem, runKind, writeReadmeTable } from "./harness";
import { tempDir } from "../fixtures/fixtureTrees";

/** Peak memory allowed for indexing any single file up to the 256 MiB limit. */
const MAX_RSS_MIB = 1024;

const rows: { kind: Kind; outcome: Outcome }[] = [];

for (const kind of KINDS) {
  test(`bad input: ${kind.name}`, async (t) => {
    const problem = kind.asNobody ? permissionProblem() : undefined;
    if (problem) {
      t.skip(problem);
      return;
    }
    const outcome = await runKind(kind, await tempDir(t, "longlens-stress-"));
    if (outcome.maxRssMiB !== undefined) assert.ok(outcome.maxRssMiB <= MAX_RSS_MIB, `peak memory ${Math.round(outcome.maxRssMiB)} MiB`);
    rows.push({ kind, outcome });
  });
}

after(async () => {
  if (process.env.LONGLENS_WRITE_TABLES !== "1") return;
  assert.equal(rows.length, KINDS.length, "the table is written only from a run where every kind passed");
  await writeReadmeTable("bad-input", outcomeTable(rows));
});
