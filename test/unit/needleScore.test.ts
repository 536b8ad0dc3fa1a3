// Scoring an answer as the continuation of one read (answer/readAnswer.ts) with the shipped model on real code
// (a dayjs plugin from the needle fixture): a read's continuations do not disturb each other (the reader is
// forked), and the model finds the asked key's value likelier than a near miss's beside it.
import { strict as assert } from "node:assert";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { needlePrompt } from "../../src/engine/answer/needlePrompt";
import { decodeAnswer, readPrompt, scoreAnswer } from "../../src/engine/answer/readAnswer";
import { SourceText } from "../../src/engine/answer/sourceText";
import { sourceWindow } from "../../src/engine/answer/sourceWindow";
import { ModelService } from "../../src/engine/model/modelService";

const FIXTURE = path.join(__dirname, "..", "fixtures", "needle-dayjs", "esm", "plugin", "timezone", "index.js");
let model: ModelService;

before(async () => {
  model = await ModelService.load(undefined, { threads: 1 });
});
after(async () => model?.dispose());

/** The fixture with `planted` at line 60, read around it with `question`. */
async function readWith(planted: string[], question: string) {
  const lines = (await readFile(FIXTURE, "utf8")).split("\n");
  lines.splice(59, 0, ...planted);
  const window = sourceWindow(new SourceText(lines.join("\n")), "timezone/index.js", 60, model.tokenizer)!;
  return readPrompt(model, window.ids, model.tokenizer.encode(needlePrompt(question, "//").text));
}

const CONSTANTS = ["const GENTLE_FALCON_TIMEOUT = 52817;", "const GENTLE_FALCON_RETRIES = 31;", "const GENTLE_ORCHARD_TIMEOUT = 90210;"];

test("scores of one read: unchanged by a decode or another score in between", async () => {
  const read = await readWith(CONSTANTS, "what is the gentle falcon timeout?");
  const first = await scoreAnswer(read, " 52817");
  const decoded = await decodeAnswer(read);
  assert.ok(decoded.text.length > 0);
  await scoreAnswer(read, " 90210");
  assert.deepEqual(await scoreAnswer(read, " 52817"), first);
  assert.ok(first.meanLogProb < 0 && first.minLogProb <= first.meanLogProb, JSON.stringify(first));
});

// In the form it was trained on, the model's scores mostly tell the asked key's value from its neighbours': 8 of
// the 9 questions below (three needles, three orders; the miss: hazel-tunnel, last in the first order). On the
// constants above they do not (measured: 52817 was likeliest whichever of the three was asked, in any order),
// which is why, for code, the line naming the whole key decides and the rule gives the scores no weight.
test("comment needles side by side: the asked key's value mostly scores highest", async () => {
  const needles = [["gentle-falcon", "5281734"], ["amber-orchard", "9021055"], ["hazel-tunnel", "3190022"]] as const;
  let right = 0;
  const misses: string[] = [];
  for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
    const planted = order.map((i) => `// One of the special magic numbers for ${needles[i]![0]} is: ${needles[i]![1]}.`);
    for (const [key, value] of needles) {
      const read = await readWith(planted, `what is the special magic number for the ${key.replace("-", " ")}?`);
      const scores = [];
      for (const [k, v] of needles) scores.push({ k, score: (await scoreAnswer(read, ` ${v}`)).meanLogProb });
      const best = scores.reduce((a, b) => (b.score > a.score ? b : a));
      if (best.k === key) right++;
      else misses.push(`${order.join("")} ${key}: ${value} scored below ${best.k}'s`);
    }
  }
  assert.ok(right >= 8, `${right} of 9: ${misses.join("; ")}`);
});
