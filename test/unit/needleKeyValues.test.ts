// The literals beside an asked key (answer/keyValues.ts), on real code (a dayjs plugin from the needle fixture)
// with code-shaped needles planted as each language writes them: what the model is asked to score.
import { strict as assert } from "node:assert";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { keyTerms } from "../../src/engine/answer/keyTerms";
import { keyValues } from "../../src/engine/answer/keyValues";
import { SourceText } from "../../src/engine/answer/sourceText";

const FIXTURE = path.join(__dirname, "..", "fixtures", "needle-dayjs", "esm", "plugin", "timezone", "index.js");

/** The fixture with `planted` inserted after line 40, and the values keyValues finds for `question` in all of it. */
async function valuesFor(question: string, planted: string[], file = "timezone/index.js"): Promise<{ value: string; line: number; spanned: string }[]> {
  const lines = (await readFile(FIXTURE, "utf8")).split("\n");
  lines.splice(40, 0, ...planted);
  const source = new SourceText(lines.join("\n"));
  const window = { file, from: 0, to: source.text.length, ids: [] };
  return keyValues(source, window, keyTerms(question)).map((kv) => ({ value: kv.value, line: kv.line, spanned: source.text.slice(kv.from, kv.to) }));
}

test("the value beside the key, as code and config write it, asked by name or in words", async () => {
  const cases: [string, string, string, string?][] = [
    ["const GENTLE_FALCON_TIMEOUT = 52817;", "what is the gentle falcon timeout?", "52817"],
    ["const GENTLE_FALCON_TIMEOUT: number = 52817;", "what is the gentle falcon timeout?", "52817"],
    ["    gentle_falcon_timeout: int = 30", "what is the gentle falcon timeout?", "30", "worker/settings.py"],
    ["#define GENTLE_FALCON_TIMEOUT 0x1F4U", "GENTLE_FALCON_TIMEOUT", "0x1F4U"],
    ["GENTLE_FALCON_TIMEOUT = 2.5e-3", "what is the gentle falcon timeout?", "2.5e-3"],
    ["gentle_falcon_timeout: 8443", "what is the gentle falcon timeout?", "8443"],
    ['  "gentleFalconTimeout": 1280,', "what is the gentle falcon timeout?", "1280"],
    ["const GENTLE_FALCON_LABEL = \"kestrel-4410\";", "what is the gentle falcon label?", "kestrel-4410"],
    ["gentle-falcon-mode: strict", "what is the gentle falcon mode?", "strict", "config/settings.yml"],
    ["// One of the special magic numbers for gentle-falcon is: 4817263.", "what is the special magic number for the gentle falcon?", "4817263"],
  ];
  for (const [line, question, value, file] of cases) {
    assert.deepEqual(await valuesFor(question, [line], file), [{ value, line: 41, spanned: value }], line);
  }
});

test("no value where the line does not name the whole key, or the key is used rather than given a value", async () => {
  const siblings = ["const GENTLE_FALCON_RETRIES = 31;", "const GENTLE_ORCHARD_TIMEOUT = 90210;"];
  assert.deepEqual(await valuesFor("what is the gentle falcon timeout?", siblings), []);
  const uses = ["setTimeout(run, GENTLE_FALCON_TIMEOUT);", "const wait = GENTLE_FALCON_TIMEOUT * 2;", "gentle_falcon_timeout = base + 5", "if (GENTLE_FALCON_TIMEOUT > 10) return;"];
  assert.deepEqual(await valuesFor("what is the gentle falcon timeout?", uses), []);
  // A type is not a value (an interface member, a dataclass field), nor is a bare name in code.
  const types = ["  gentleFalconTimeout: number;", "    gentle_falcon_timeout: int", "const GENTLE_FALCON_MODE = strict;"];
  assert.deepEqual(await valuesFor("what is the gentle falcon timeout?", types), []);
  assert.deepEqual(await valuesFor("what is the gentle falcon mode?", types), []);
  // The fixture itself names no such key.
  assert.deepEqual(await valuesFor("what is the gentle falcon timeout?", []), []);
});
