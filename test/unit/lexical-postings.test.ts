// Long posting lists live in typed arrays (src/engine/lexical/postings.ts), which MiniSearch uses as it uses its
// own Maps: the index must rank and save exactly as it does with Maps, through deletes, vacuums and new adds.
import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { type IndexedChunk, withFile } from "../../src/engine/chunk/indexedChunk";
import { lexicalIndexJson } from "../../src/engine/lexical/lexicalFile";
import { type LexicalIndex, addChunks, compactLexicalIndex, createLexicalIndex, removeChunks, searchLexical } from "../../src/engine/lexical/lexicalIndex";
import { Postings, termMapOf } from "../../src/engine/lexical/postings";
import { readBlob } from "../../src/engine/store/blobs";
import { readStore } from "../../src/engine/store/readStore";
import { StoreLayout } from "../../src/engine/store/storeLayout";
import { Workspace } from "../../src/engine/workspace";
import { writeLines } from "../stress/corpus";
import { tempDir } from "../fixtures/fixtureTrees";

const DAYJS = path.join(__dirname, "..", "fixtures", "needle-dayjs");

/** A small deterministic generator (mulberry32), so that a failing sequence can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

test("Postings answer every Map method as a Map does, through appends, updates, deletes while iterating and compaction", () => {
  const next = random(16);
  for (let round = 0; round < 20; round++) {
    const reference = new Map<number, number>();
    for (let id = 0; id < 40; id++) if (next() < 0.7) reference.set(id * 3, 1 + Math.floor(next() * 9));
    const postings = new Postings(reference);
    let nextId = 200;
    for (let step = 0; step < 400; step++) {
      const roll = next();
      const ids = [...reference.keys()];
      const id = ids.length > 0 && roll < 0.6 ? ids[Math.floor(next() * ids.length)]! : roll < 0.8 ? nextId++ : Math.floor(next() * 120);
      if (roll < 0.35) {
        const frequency = 1 + Math.floor(next() * 5);
        reference.set(id, frequency);
        postings.set(id, frequency);
      } else if (roll < 0.55) {
        assert.equal(postings.delete(id), reference.delete(id));
      } else if (roll < 0.6) {
        postings.compact();
      } else if (roll < 0.63) {
        // MiniSearch's vacuum deletes the entries it iterates over.
        for (const [key] of postings) if (key % 2 === 0) postings.delete(key);
        for (const [key] of reference) if (key % 2 === 0) reference.delete(key);
      } else {
        reference.set(id, (reference.get(id) ?? 0) + 1);
        postings.set(id, (postings.get(id) ?? 0) + 1);
      }
      assert.equal(postings.get(id), reference.get(id));
      assert.equal(postings.has(id), reference.has(id));
      assert.equal(postings.size, reference.size);
    }
    const sorted = [...reference].sort(([a], [b]) => a - b);
    assert.deepEqual([...postings], sorted);
    assert.deepEqual([...postings.keys()], sorted.map(([id]) => id));
    assert.deepEqual([...postings.values()], sorted.map(([, frequency]) => frequency));
    assert.deepEqual(Object.fromEntries(postings), Object.fromEntries(reference));
  }
  assert.throws(() => new Postings(new Map()).set(1, 0), /frequencies of 1 to 2\^32-1/);
  assert.throws(() => new Postings(new Map()).set(-1, 1), RangeError);
});

/** How many posting lists of `index` are Postings, and how many Maps. */
function kinds(index: LexicalIndex): { postings: number; maps: number } {
  const count = { postings: 0, maps: 0 };
  for (const [, fields] of termMapOf(index)) for (const [, list] of fields) count[list instanceof Postings ? "postings" : "maps"]++;
  return count;
}

const json = (index: LexicalIndex): string => [...lexicalIndexJson(index)].join("");

test("an index with compact posting lists ranks and saves exactly as one with Maps, through removals and re-adds", async (t) => {
  const dir = await tempDir(t);
  const tree = path.join(dir, "tree");
  await cp(DAYJS, tree, { recursive: true });
  await writeLines(path.join(tree, "generated.ts"), 800_000); // the huge-file stress kind under the 1 MiB limit: every term in many chunks
  const layout = new StoreLayout(path.join(dir, "store"));
  await (await Workspace.open(tree, { storeDir: layout.dir, memory: false })).index();
  const chunks: IndexedChunk[] = [];
  for (const file of (await readStore(layout)).store!.catalog.files) for await (const stored of readBlob(layout, file)) chunks.push(withFile(file.path, stored));
  assert.ok(chunks.length > 400, `${chunks.length} chunks`);

  // Fewer chunks than one compaction period: `maps` keeps MiniSearch's Maps; `compact` is packed as before a save.
  const [maps, compact] = [createLexicalIndex(), createLexicalIndex()];
  addChunks(maps, chunks);
  addChunks(compact, chunks);
  await compactLexicalIndex(compact);
  assert.equal(kinds(maps).postings, 0);
  assert.ok(kinds(compact).postings >= 10, JSON.stringify(kinds(compact)));

  const questions = ["how is the relative time formatted", "timezone offset of a date", "computeSomething item", "value4095", "isBetween inclusivity", "week of year"];
  const same = (when: string) => {
    for (const question of questions) assert.deepEqual(searchLexical(compact, question, 20), searchLexical(maps, question, 20), `${when}: ${question}`);
    assert.equal(json(compact), json(maps), `${when}: the saved index`);
  };
  same("built");

  const removed = chunks.filter((_, i) => i % 3 === 0);
  for (const index of [maps, compact]) removeChunks(index, removed.map((chunk) => chunk.id));
  await maps.vacuum();
  await compactLexicalIndex(compact);
  same("after a third of the chunks were removed");
  for (const index of [maps, compact]) addChunks(index, removed.slice(0, removed.length / 2));
  same("after half of them came back");
});
