// `needle` answered by the shipped model on real held-out code (test/fixtures/needle-dayjs, copied at test time)
// with planted needles: the value, its file, line and column span; a paraphrased key, a plain-words question, a
// near-miss distractor, several values (in two and three files), an identifier asked in words, code-shaped values
// (a constant among siblings, YAML and JSON config keys: scored, as free decoding misses them), one big file; no
// answer for an absent key or a sibling miss; confidence high where right and low where a sibling's value passes
// the key check; bad questions; the CLI.
import { strict as assert } from "node:assert";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { NEEDLE_RULE } from "../../src/engine/answer/needleRule";
import { needlePrompt } from "../../src/engine/answer/needlePrompt";
import type { NeedleResult } from "../../src/engine/types";
import { Workspace } from "../../src/engine/workspace";
import { tempDir } from "../fixtures/fixtureTrees";
import { cli } from "../fixtures/runCli";

const HAYSTACK = path.join(__dirname, "..", "fixtures", "needle-dayjs", "esm", "plugin");
const EXACT = "\n// Question: What is the special magic number for misty-harbor?\n// Answer: The special magic number for misty-harbor is:";

/** Inserts `text` as line `line` of a file of the tree. */
async function plant(tree: string, file: string, line: number, text: string): Promise<void> {
  const lines = (await readFile(path.join(tree, file), "utf8")).split("\n");
  lines.splice(line - 1, 0, text);
  await writeFile(path.join(tree, file), lines.join("\n"));
}

/** The text the result's column span covers. */
async function spanned(root: string, result: { file: string; line: number; column?: number; endColumn?: number }, singleFile = false): Promise<string> {
  const text = await readFile(singleFile ? root : path.join(root, result.file), "utf8");
  return text.split("\n")[result.line - 1]!.slice(result.column! - 1, result.endColumn! - 1);
}

function assertNoAnswer(result: NeedleResult, why: RegExp): void {
  assert.equal(result.answer, "");
  assert.deepEqual(result.answers, []);
  assert.match(result.reason ?? "", why);
  assert.equal(result.column, undefined);
}

describe("needle answered by the model", () => {
  let dir: string;
  let tree: string;
  let store: string;
  let ws: Workspace;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "longlens-needle-"));
    tree = path.join(dir, "tree");
    store = path.join(dir, "store");
    await cp(HAYSTACK, tree, { recursive: true });
    await plant(tree, "customParseFormat/index.js", 20, "// One of the special magic numbers for misty-harbor is: 4817263.");
    await plant(tree, "customParseFormat/index.js", 22, "// One of the special magic numbers for misty-river is: 9092817."); // a near miss just after it
    await plant(tree, "timezone/index.js", 30, "// One of the special magic numbers for misty-valley is: 5550123."); // a near miss
    await plant(tree, "localeData/index.js", 12, "// One of the special magic numbers for amber-quarry is: 2718281.");
    await plant(tree, "relativeTime/index.js", 40, "// One of the special magic numbers for amber-quarry is: 3141592.");
    await plant(tree, "objectSupport/index.js", 15, "const QUIET_RIVER_MAGIC = 7364519;");
    // Siblings: every word of "the plum harbor" is beside both values here, and on neither line.
    await plant(tree, "badMutable/index.js", 10, "// One of the special magic numbers for plum-canyon is: 6150273.");
    await plant(tree, "badMutable/index.js", 11, "// One of the special magic numbers for ruby-harbor is: 2406918.");
    // Code-shaped: a constant among siblings that share all but one word with it, and config values among
    // sibling keys in a YAML and a JSON file (as the niah bench plants them; the model was trained on comments).
    await plant(tree, "timezone/index.js", 100, "const GENTLE_FALCON_TIMEOUT = 52817;");
    await plant(tree, "timezone/index.js", 101, "const GENTLE_FALCON_RETRIES = 31;");
    await plant(tree, "timezone/index.js", 102, "const GENTLE_ORCHARD_TIMEOUT = 90210;");
    await writeFile(path.join(tree, "weekOfYear", "settings.yml"), "# Service settings\nname: worker\nnoble_kettle_port: 8443\nnoble_kettle_limit: 64\nlog_level: info\n");
    await writeFile(path.join(tree, "minMax", "settings.json"), '{\n  "name": "worker",\n  "boldLadderWidth": 1280,\n  "boldLadderScale": 3,\n  "logLevel": "info"\n}\n');
    // One key in three files.
    await plant(tree, "quarterOfYear/index.js", 8, "// One of the special magic numbers for hazel-tunnel is: 60417.");
    await plant(tree, "devHelper/index.js", 20, "// One of the special magic numbers for hazel-tunnel is: 8812.");
    await plant(tree, "negativeYear/index.js", 12, "// One of the special magic numbers for hazel-tunnel is: 735190.");
    ws = await Workspace.open(tree, { storeDir: store, threads: 1 }); // one thread: the machine is shared
    await ws.index();
  });
  after(async () => {
    ws?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test("a planted needle: value, file, line and column span, exactly, paraphrased and in plain words", async () => {
    for (const question of [
      EXACT,
      "\n// Question: What is the special magic number for the misty harbor?\n// Answer: The special magic number for the misty harbor is:",
      "what is the special magic number for the misty harbor?",
    ]) {
      const result = await ws.needle(question);
      assert.equal(result.answer, "4817263", question);
      assert.equal(result.file, "customParseFormat/index.js");
      assert.equal(result.line, 20);
      assert.equal(await spanned(tree, result), "4817263");
      assert.ok(result.confidence >= 0.5 && result.confidence <= 1, `confidence ${result.confidence}`);
      assert.equal(result.reason, undefined);
      assert.deepEqual(result.answers, [{ answer: "4817263", file: result.file, line: 20, column: result.column, endColumn: result.endColumn, confidence: result.confidence }]);
      // With four needles of the same form here, a paraphrase's memory votes go mostly to the form, not the
      // key (the other needles outvote it); the exact key still brings the memory to the needle.
      if (question === EXACT) assert.ok(result.candidates!.some((c) => c.supported && c.sources.includes("memory")), "the memory pointed at the needle");
    }
  });

  test("a near-miss key gets its own value; an absent key gets no answer, with a reason", async () => {
    const valley = await ws.needle("What is the special magic number for misty-valley?");
    assert.deepEqual([valley.answer, valley.file, valley.line], ["5550123", "timezone/index.js", 30]);
    const river = await ws.needle("what is the special magic number for the misty river?");
    assert.deepEqual([river.answer, river.file, river.line], ["9092817", "customParseFormat/index.js", 22]);
    for (const absent of ["What is the special magic number for quiet-river?", "what is the special magic number for the misty meadow?"]) {
      const result = await ws.needle(absent);
      assertNoAnswer(result, /names/);
    }
  });

  test("several values, and an identifier asked in words", async () => {
    const many = await ws.needle("What are the special magic numbers for amber-quarry?");
    assert.deepEqual(many.answers!.map((a) => [a.answer, a.file, a.line]).sort(), [["2718281", "localeData/index.js", 12], ["3141592", "relativeTime/index.js", 40]]);
    assert.equal(many.answer.split(", ").sort().join(", "), "2718281, 3141592");
    for (const a of many.answers!) assert.equal(await spanned(tree, a), a.answer);
    const words = await ws.needle("what is the quiet river magic?");
    assert.deepEqual([words.answer, words.file, words.line], ["7364519", "objectSupport/index.js", 15]);
    assert.equal(await spanned(tree, words), "7364519");
  });

  test("code-shaped needles asked in words: a constant among siblings, YAML and JSON config values", async () => {
    for (const [question, value, file, line] of [
      ["what is the gentle falcon timeout?", "52817", "timezone/index.js", 100],
      ["GENTLE_ORCHARD_TIMEOUT", "90210", "timezone/index.js", 102],
      ["what is the noble kettle port?", "8443", "weekOfYear/settings.yml", 3],
      ["what is the bold ladder width?", "1280", "minMax/settings.json", 3],
    ] as const) {
      const result = await ws.needle(question);
      assert.deepEqual([result.answer, result.file, result.line], [value, file, line], question);
      assert.equal(await spanned(tree, result), value);
      assert.ok(result.confidence >= 0.9, `${question}: confidence ${result.confidence}`);
    }
    // Every word is beside some value, never all on one line: no answer.
    for (const miss of ["what is the gentle orchard retries?", "what is the noble ladder port?"]) assertNoAnswer(await ws.needle(miss), /names|not values|not sure/);
  });

  test("every value of a key planted in three files", async () => {
    const many = await ws.needle("What are the special magic numbers for hazel-tunnel?");
    const got = many.answers!.map((a) => [a.answer, a.file, a.line]).sort();
    assert.deepEqual(got, [["60417", "quarterOfYear/index.js", 8], ["735190", "negativeYear/index.js", 12], ["8812", "devHelper/index.js", 20]]);
    for (const a of many.answers!) assert.equal(await spanned(tree, a), a.answer);
  });

  // The thresholds come from the reliability tables (fitNeedle.ts and README, bench:niah): of answers at 0.95 or
  // more, 182 of 182 were right on the fit and 410 of 412 on the report seeds; none fell between 0.2 and 0.95,
  // and below the rule's threshold none is given.
  test("confidence: high for a right answer, below the bar for a sibling's value that passes the key check", async () => {
    for (const [question, value] of [[EXACT, "4817263"], ["what is the special magic number for the misty river?", "9092817"], ["what is the special magic number for the plum canyon?", "6150273"]]) {
      const right = await ws.needle(question!);
      assert.equal(right.answer, value);
      assert.ok(right.confidence >= 0.9, `${question}: confidence ${right.confidence}`);
    }
    const sibling = await ws.needle("what is the special magic number for the plum harbor?");
    const copied = sibling.candidates!.filter((c) => c.supported);
    assert.ok(copied.length > 0, "the model copied a sibling's value (else this case tests nothing)");
    for (const c of copied) assert.ok(c.confidence < NEEDLE_RULE.minConfidence, `${c.values.join(", ")} at ${c.file}:${c.line}: confidence ${c.confidence}`);
    assertNoAnswer(sibling, /not sure enough/);
    assert.ok(sibling.confidence < NEEDLE_RULE.minConfidence);
  });

  test("bad questions: one-line errors, or no answer with a reason", async () => {
    await assert.rejects(ws.needle(""), /question is empty/);
    await assert.rejects(ws.needle(" \t\n "), /question is empty/);
    await assert.rejects(ws.needle("x".repeat(100_000)), /100,000 characters long; the limit is 10,000/);
    assertNoAnswer(await ws.needle("生日快乐 魔法数字是多少"), /names/);
    assertNoAnswer(await ws.needle("🎉🎉 ✨"), /names nothing to look for/);
  });

  test("the CLI's --json and human output", async () => {
    const json = await cli(["needle", tree, "what is the special magic number for misty-harbor?", "--store", store, "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout) as NeedleResult;
    for (const key of ["answer", "file", "line", "column", "endColumn", "confidence", "answers", "candidates", "hits"]) assert.ok(key in result, key);
    assert.deepEqual([result.answer, result.file, result.line], ["4817263", "customParseFormat/index.js", 20]);
    const human = await cli(["needle", tree, "what is the special magic number for quiet-river?", "--store", store]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^no answer: .+\n/);
  });

  test("one big file answers as a folder does", async (t) => {
    const own = await tempDir(t, "longlens-needle-file-");
    const parts = [];
    for (const file of ["customParseFormat", "timezone", "localeData", "relativeTime"]) parts.push(await readFile(path.join(HAYSTACK, file, "index.js"), "utf8"));
    const lines = parts.join("\n").split("\n");
    lines.splice(400, 0, "// One of the special magic numbers for jolly-lantern is: 6029384.");
    const file = path.join(own, "bundle.js");
    await writeFile(file, lines.join("\n"));
    const single = await Workspace.open(file, { storeDir: path.join(own, "store"), threads: 1 });
    t.after(() => single.dispose());
    const result = await single.needle("what is the special magic number for the jolly lantern?");
    assert.deepEqual([result.answer, result.file, result.line], ["6029384", "bundle.js", 401]);
    assert.equal(await spanned(file, result, true), "6029384");
  });
});

test("the sample's settings: a config value ranked below the code using its name, and a type that is not a value", async (t) => {
  const own = await tempDir(t, "longlens-needle-taskboard-");
  const sample = path.join(own, "taskboard");
  await cp(path.join(__dirname, "..", "..", "samples", "taskboard"), sample, { recursive: true });
  const board = await Workspace.open(sample, { storeDir: path.join(own, "store"), threads: 1 });
  t.after(() => board.dispose());
  // worker/send_reminders.py names max_retries on five lines; config/taskboard.json gives it its value.
  const retries = await board.needle("what are the max retries?");
  assert.deepEqual(retries.answers!.map((a) => [a.answer, a.file, a.line]), [["5", "config/taskboard.json", 21]]);
  // `reminderLeadMinutes: number;` in api/src/reminders.ts is a type; the value is in the config.
  const lead = await board.needle("what is the reminder lead minutes?");
  assert.deepEqual([lead.answer, lead.file, lead.line], ["45", "config/taskboard.json", 15]);
});

test("questions are wrapped into the prompt the model was measured with", () => {
  assert.deepEqual(needlePrompt("what is the special magic number for the misty harbor?", "//"), {
    text: "\n// Question: What is the special magic number for the misty harbor?\n// Answer: The special magic number for the misty harbor is:",
    plural: false,
  });
  assert.equal(needlePrompt(EXACT, "#").text, EXACT);
  assert.equal(needlePrompt("What are the  special magic\nnumbers for amber-quarry", "#").text,
    "\n# Question: What are the special magic numbers for amber-quarry?\n# Answer: The special magic numbers for amber-quarry are:");
  assert.equal(needlePrompt("What are the special magic numbers for amber-quarry?", "//").plural, true);
  assert.equal(needlePrompt("ADLER_MOD", "//").text, "\n// Question: What is the value of ADLER_MOD?\n// Answer: The value of ADLER_MOD is:");
});
