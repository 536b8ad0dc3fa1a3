import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { chunkLocation } from "../../src/engine/chunk/indexedChunk";
import { searchTerms } from "../../src/engine/lexical/terms";
import { codeWords } from "../../src/engine/semantic/codeWords";
import { fuseRankings } from "../../src/engine/semantic/fuse";
import { SemanticSignal } from "../../src/engine/semantic/semanticSignal";
import { STATIC_DIR, StaticModel, sha256Hex } from "../../src/engine/semantic/staticModel";
import { shippedModelsDir } from "../../src/engine/model/modelFiles";
import { readStore } from "../../src/engine/store/readStore";
import { StoreLayout } from "../../src/engine/store/storeLayout";
import { Workspace } from "../../src/engine/workspace";
import { tempDir } from "../fixtures/fixtureTrees";

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
  const rankings = await new SemanticSignal().rankings(layout, store.generation, store.catalog.files, question);
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
