// The TypeScript fast-weight memory must reproduce the training code's (model.py) writes, key updates,
// provenance and reads within 1e-4: one chunk (memory-parity.json, from the export) and several chunks across
// two pieces at two table sizes (memory-parity.chunks.json, from models/training/memory_export.py).
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { MemoryFactory } from "../../src/engine/memory/loadMemory";
import type { MemoryTable } from "../../src/engine/memory/memoryTable";
import { shippedModelsDir } from "../../src/engine/model/modelFiles";
import { readModelConfig } from "../../src/engine/model/modelConfig";
import { type Encoded, decode, floats, maxAbsDiff } from "../fixtures/tensors";

const TOLERANCE = 1e-4;
const fixtures = join(__dirname, "..", "fixtures");
const load = (name: string) => JSON.parse(readFileSync(join(fixtures, name), "utf8"));

let factory: MemoryFactory;
before(async () => {
  const dir = shippedModelsDir();
  factory = await MemoryFactory.load(dir, readModelConfig(dir), { threads: 1 });
});
after(() => factory?.dispose());

function close(got: ArrayLike<number>, want: Encoded, what: string): void {
  const w = floats(want);
  assert.equal(got.length, w.length, `${what}: length`);
  const diff = maxAbsDiff(got, w);
  assert.ok(diff <= TOLERANCE, `${what}: max abs diff ${diff}`);
}

/** The key step moves keys by ~1e-3, under the absolute tolerance: its size is also held, relative to PyTorch's. */
function closeStep(before: Float32Array, after: ArrayLike<number>, want: Encoded, what: string): void {
  const w = floats(want);
  let worst = 0;
  let largest = 0;
  for (let i = 0; i < w.length; i++) {
    largest = Math.max(largest, Math.abs(w[i]! - before[i]!));
    worst = Math.max(worst, Math.abs(after[i]! - before[i]! - (w[i]! - before[i]!)));
  }
  assert.ok(largest > 0 && worst <= 1e-3 * largest + 1e-6, `${what}: step differs by ${worst} of ${largest}`);
}

function equalInts(got: ArrayLike<number>, want: Encoded, what: string): void {
  assert.deepEqual(Array.from(got), Array.from(decode(want).data, Number), what);
}

async function checkRead(table: MemoryTable, read: Record<string, Encoded>, what: string): Promise<void> {
  const addresses = await factory.productKeys.address(floats(read.query!), table.keys, table.subkeys);
  equalInts(addresses.slots, read.slots!, `${what}: slots`);
  close(addresses.weights, read.weights!, `${what}: weights`);
  close(table.read(addresses), read.read!, `${what}: read`);
}

describe("memory parity with PyTorch", () => {
  test("one chunk: fresh sub-keys, the value write, the key step and a read", async () => {
    const v = load("memory-parity.json");
    const table = factory.fresh(v.n_subkeys);
    close(table.keys, v.keys_before, "fresh sub-keys from the shipped stream");
    const before = table.keys.slice();
    await table.writePiece(factory.productKeys, { queries: floats(v.query), values: floats(v.value_source), gates: floats(v.gate) });
    close(table.keys, v.keys_after, "keys after the entropy step");
    closeStep(before, table.keys, v.keys_after, "the entropy step");
    close(table.values, v.values_after, "values after the write");
    await checkRead(table, { query: v.read_query, slots: v.read_slots, weights: v.read_weights, read: v.read }, "read");
  });

  for (const c of load("memory-parity.chunks.json").cases as { n_subkeys: number; pieces: Record<string, Encoded>[]; read: Record<string, Encoded> }[]) {
    test(`${c.pieces.length} pieces of several chunks at ${c.n_subkeys}^2 slots: keys, values, provenance, pending token`, async () => {
      const table = factory.fresh(c.n_subkeys);
      for (const [i, p] of c.pieces.entries()) {
        const before = table.keys.slice();
        await table.writePiece(factory.productKeys, { queries: floats(p.query!), values: floats(p.value_source!), gates: floats(p.gate!) });
        close(table.keys, p.keys_after!, `piece ${i} keys`);
        closeStep(before, table.keys, p.keys_after!, `piece ${i} key steps`);
        close(table.values, p.values_after!, `piece ${i} values`);
        equalInts(table.writer, p.writer_after!, `piece ${i} writer`);
        close(table.hits, p.hits_after!, `piece ${i} hits`);
      }
      await checkRead(table, c.read, "final read");
    });
  }
});
