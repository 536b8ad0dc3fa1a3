import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { chunkLocation } from "../../src/engine/chunk/indexedChunk";
import { searchTerms } from "../../src/engine/lexical/terms";
import { codeWords } from "../../src/engine/semantic/codeWords";
import { fuseRankings } from "../../src/engine/semantic/fuse";
import { SLOTS_SHOWN } from "../../src/engine/semantic/memoryRanking";
import { SEMANTIC_FILE, readSemantic } from "../../src/engine/semantic/semanticFile";
import { SemanticIndex, enrichedText } from "../../src/engine/semantic/semanticIndex";
import { SemanticSignal, coveredFiles } from "../../src/engine/semantic/semanticSignal";
import { storeChunks } from "../../src/engine/semantic/storeChunks";
import { STATIC_DIR, StaticModel, sha256Hex } from "../../src/engine/semantic/staticModel";
import { shippedModelsDir } from "../../src/engine/model/modelFiles";
import { readStore } from "../../src/engine/store/readStore";
import { StoreLayout } from "../../src/engine/store/storeLayout";
import type { Hit } from "../../src/engine/types";
import { Workspace } from "../../src/engine/workspace";
import { cli, repo } from "../fixtures/runCli";
import { tempDir } from "../fixtures/fixtureTrees";
import { lexicalCatalog } from "../fixtures/lexicalCatalog";

const TASKBOARD = path.join(__dirname, "..", "..", "samples", "taskboard");

async function taskboard(t: Parameters<typeof tempDir>[0]): Promise<Workspace> {
  // The memory pass is not what these tests are about; the lexical index is enough for ask.
  return Workspace.open(TASKBOARD, { storeDir: await tempDir(t), memory: false });
}

test("shipped semantic files load and match the sha256 recorded when they were distilled", async () => {
  const dir = path.join(shippedModelsDir(), STATIC_DIR);
  const card = JSON.parse(await readFile(path.join(dir, "semantic.json"), "utf8")) as { sha256: Record<string, string>; vocab: number; dims: number };
  for (const [name, digest] of Object.entries(card.sha256)) assert.equal(sha256Hex(await readFile(path.join(dir, name))), digest, name);
  const model = await StaticModel.load();
  assert.equal(model.vocab, card.vocab);
  assert.equal(model.dims, card.dims);
  assert.ok(model.tokenIds("where is the weekday computed").length >= 4);
});

test("identifiers are embedded as their words", () => {
  assert.equal(codeWords("parseHTTPDate(snake_case_name, $el)"), "parse http date snake case name el");
});

test("a question in words, sharing no identifier with the code, finds the function in the semantic top 3, and ask in its top 10", async (t) => {
  const question = "compute a randomized waiting period that gets longer";
  const source = await readFile(path.join(TASKBOARD, "worker", "send_reminders.py"), "utf8");
  const gold = source.slice(source.indexOf("def backoff_delay"), source.indexOf("def send_email"));
  const shared = searchTerms(question).filter((term) => new Set(searchTerms(gold)).has(term));
  assert.deepEqual(shared, [], "the question must not name the code's words");
  const storeDir = await tempDir(t);
  const workspace = await Workspace.open(TASKBOARD, { storeDir, memory: false });
  await workspace.index();
  const layout = new StoreLayout(storeDir);
  const store = (await readStore(layout)).store!;
  const isGold = (id: string): boolean => id.startsWith("worker/send_reminders.py#") && (chunkLocation(id).startLine <= 90 && chunkLocation(id).endLine >= 90);
  const rankings = await new SemanticSignal().rankings(layout, { ...store, files: store.catalog.files }, question);
  assert.ok(rankings.some((ranking) => ranking.ids.slice(0, 3).some(isGold)), "in no semantic ranking's top 3");
  // In ask the lexical ranking outweighs it (fitted weights): found by the semantic signal alone, lower down.
  const { hits } = await workspace.ask(question, { top: 10 });
  const hit = hits.find((h) => h.file === "worker/send_reminders.py" && h.snippet.includes("def backoff_delay"));
  assert.ok(hit, `not in ask's top 10: ${hits.map((h) => `${h.file}:${h.startLine}`).join(", ")}`);
  assert.deepEqual(hit.sources, ["semantic"]);
});

test("each hit lists the signals that found it", async (t) => {
  const workspace = await taskboard(t);
  const { hits } = await workspace.ask("where is the reminder time computed?", { top: 5 });
  assert.ok(hits.length > 0);
  for (const hit of hits) {
    assert.ok(hit.sources.length > 0);
    for (const source of hit.sources) assert.ok(source === "lexical" || source === "semantic");
  }
  assert.ok(hits.some((hit) => hit.sources.length === 2), "some hit is found by both signals");
});

test("questions in another script, of 10,000 characters, or of punctuation only get a ranked answer, not an embedder error", async (t) => {
  const workspace = await taskboard(t);
  for (const question of ["リマインダーの時刻はどこで計算されますか？", "⏰🔔📧?", "?!... --- ;;; ()[]{}", "where is the reminder sent? ".repeat(400).slice(0, 10_000)]) {
    const { hits } = await workspace.ask(question, { top: 5 });
    assert.ok(Array.isArray(hits), question.slice(0, 20));
    for (const hit of hits) assert.ok(Number.isFinite(hit.score));
  }
  const long = await workspace.ask("where is the reminder sent? ".repeat(400).slice(0, 10_000), { top: 5 });
  assert.ok(long.hits.length > 0);
});

test("fusion adds weighted reciprocal ranks and keeps each signal once per hit", () => {
  const fused = fuseRankings([
    { source: "lexical", ids: ["a", "b"], weight: 1 },
    { source: "semantic", ids: ["b", "c"], weight: 1 },
    { source: "semantic", ids: ["b"], weight: 0.5 },
  ], 3, 10);
  assert.deepEqual(fused.map((f) => f.id), ["b", "a", "c"]);
  assert.deepEqual(fused[0]!.sources, ["lexical", "semantic"]);
  assert.ok(Math.abs(fused[0]!.score - (1 / 12 + 1 / 11 + 0.5 / 11)) < 1e-12);
});

test("ask --json over an index with the memory: hits the memory voted for list it, with its votes and strongest slots", async (t) => {
  const storeDir = await tempDir(t);
  const sample = path.join(repo, "test", "fixtures", "cli-sample");
  const run = await cli(["ask", sample, "compute the late fee of an overdue invoice", "--store", storeDir, "--json", "--top", "10"]);
  assert.equal(run.code, 0, run.stderr);
  const { hits } = JSON.parse(run.stdout) as { hits: Hit[] };
  const voted = hits.filter((hit) => hit.sources.includes("memory"));
  assert.ok(voted.length > 0, `no hit lists the memory: ${JSON.stringify(hits.map((hit) => hit.sources))}`);
  for (const hit of hits) assert.equal(hit.sources.includes("memory"), hit.memory !== undefined, `${hit.file}:${hit.startLine}`);
  for (const { memory } of voted) {
    assert.ok(memory!.votes !== 0 && Number.isFinite(memory!.votes));
    assert.ok(memory!.slots.length > 0 && memory!.slots.length <= SLOTS_SHOWN);
    for (const slot of memory!.slots) {
      assert.deepEqual(Object.keys(slot).sort(), ["shard", "slot", "weight", "writes"]);
      assert.match(slot.shard, /\.shard$/);
      assert.ok(Number.isInteger(slot.slot) && slot.slot >= 0 && slot.weight > 0 && slot.writes >= 1);
    }
    const weights = memory!.slots.map((slot) => slot.weight);
    assert.deepEqual(weights, [...weights].sort((a, b) => b - a), "strongest slots first");
  }
  // The terminal output names each hit's sources too.
  const text = await cli(["ask", sample, "compute the late fee of an overdue invoice", "--store", storeDir, "--top", "10"]);
  const cited = voted[0]!;
  assert.ok(text.stdout.split("\n").some((line) => line.startsWith(`${cited.file}:${cited.startLine}-${cited.endLine} `) && line.endsWith(cited.sources.join("+"))), text.stdout);
});

test("the semantic vectors are a file of the generation: ranked as if built, kept for unchanged chunks, rebuilt in memory when damaged", async (t) => {
  const dir = await tempDir(t);
  const tree = path.join(dir, "tree");
  await cp(TASKBOARD, tree, { recursive: true });
  const storeDir = path.join(dir, "store");
  const layout = new StoreLayout(storeDir);
  const workspace = await Workspace.open(tree, { storeDir, memory: false });
  await workspace.index();
  const first = (await readStore(layout)).store!;
  const file = first.extraFiles.get(SEMANTIC_FILE);
  assert.ok(file, "the generation holds the semantic vectors");
  const model = await StaticModel.load();
  const stored = (await readSemantic(file, model.digest))!;
  const ids = first.catalog.files.flatMap((f) => f.chunkIds);
  assert.deepEqual([...stored.enriched!.ids].sort(), [...ids].sort());
  // Stored int8 vectors rank as the ones built from the chunks do.
  const question = "compute a randomized waiting period that gets longer";
  const built = (await SemanticIndex.build(model, await storeChunks(layout, first.catalog.files), enrichedText)).search(question, 5).map((r) => r.id);
  const read = SemanticIndex.restore(model, stored.enriched!)!.search(question, 5).map((r) => r.id);
  assert.equal(read[0], built[0]);
  assert.ok(read.filter((id) => built.includes(id)).length >= 4, `${read} vs ${built}`);

  // An incremental index embeds the new chunks and keeps the others' vectors as they were.
  await writeFile(path.join(tree, "worker", "rounding.py"), "def round_to_quarter_hour(minutes):\n    \"\"\"Snap a duration to the nearest fifteen minutes.\"\"\"\n    return round(minutes / 15) * 15\n");
  await workspace.index();
  const second = (await readStore(layout)).store!;
  const again = (await readSemantic(second.extraFiles.get(SEMANTIC_FILE), model.digest))!;
  const added = second.catalog.files.find((f) => f.path === "worker/rounding.py")!.chunkIds;
  assert.ok(added.every((id) => again.enriched!.ids.includes(id)));
  const row = (set: typeof stored, id: string) => set.enriched!.vectors.subarray(set.enriched!.ids.indexOf(id) * model.dims, (set.enriched!.ids.indexOf(id) + 1) * model.dims);
  assert.deepEqual(row(again, ids[0]!), row(stored, ids[0]!));
  const hits = (await workspace.ask("snap a duration to the nearest fifteen minutes", { top: 3 })).hits;
  assert.equal(hits[0]?.file, "worker/rounding.py");

  // A damaged file is left out of the store, not fatal: the next ask builds the vectors in memory, no index run.
  const damaged = second.extraFiles.get(SEMANTIC_FILE)!;
  await writeFile(damaged, "not vectors");
  const fresh = await Workspace.open(tree, { storeDir, memory: false });
  const answer = await fresh.ask(question, { top: 10 });
  assert.ok(answer.hits.some((hit) => hit.file === "worker/send_reminders.py" && hit.sources.includes("semantic")));
  const after = (await readStore(layout)).store!;
  assert.equal(after.generation, second.generation, "no re-index");
  assert.equal(after.extraFiles.has(SEMANTIC_FILE), false);
});

test("past its limit the semantic signal covers the files in reading order up to about that many tokens, a file cut short by its first chunks", async (t) => {
  const { layout, files: byPath } = await lexicalCatalog(t, TASKBOARD, path.join(await tempDir(t), "store"));
  const cut = byPath.findIndex((f) => f.chunkIds.length >= 2);
  const before = byPath.slice(0, cut).reduce((sum, f) => sum + f.tokens, 0);
  const most = before + Math.ceil(byPath[cut]!.tokens / 2);
  const covered = coveredFiles([...byPath].reverse(), most);
  assert.deepEqual(covered.map((f) => f.path), byPath.slice(0, cut + 1).map((f) => f.path), "files in path order, none past the cut");
  const kept = covered[cut]!.chunkIds;
  assert.ok(kept.length >= 1 && kept.length < byPath[cut]!.chunkIds.length, `the cut file keeps ${kept.length} of ${byPath[cut]!.chunkIds.length} chunks`);
  assert.deepEqual(kept, byPath[cut]!.chunkIds.slice(0, kept.length), "its first chunks");
  const chunks = await storeChunks(layout, covered);
  assert.deepEqual(chunks.map((c) => c.id), covered.flatMap((f) => f.chunkIds), "exactly the covered chunks are read");
});
