// Needles shaped as code rather than as comments: constants in a block of sibling names (a JS/TS `const`, a
// Python assignment), config values among sibling keys in a YAML and a JSON file, string constants, and one
// comment key planted in several files (every value asked for). A sibling shares all but one word with the
// asked name and stands a line away, so its value passes the key check: there the model can be wrong, and its
// confidence has to say so. Words are drawn from lists no other needle uses.
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type PlantedNeedle, needleLine } from "../index/heldoutTrees";
import type { NeedleQuestion } from "./needleQuestions";

const ADJECTIVES = "crisp dusty eager fuzzy gentle hollow lucky narrow polar rusty sandy tidy velvet witty".split(" ");
const NOUNS = "boulder comet igloo jigsaw lagoon meteor pigeon rocket summit turtle violin wombat".split(" ");
const SETTINGS = "limit offset timeout retries width seed port scale".split(" ");
const STRING_WORDS = "kestrel lantern meadow pebble thistle willow cobble juniper".split(" ");

/** How many of each shape a tree gets. */
const CONSTANT_BLOCKS = 3;
const STRING_CONSTANTS = 2;
const COMMENT_PAIRS = 2;
const MULTI_VALUE_SIZES = [2, 3];

interface Draw {
  pick<T>(xs: readonly T[]): T;
  /** A number of `digits` digits (default 4-6) that no other needle of the tree has. */
  value(digits?: number): string;
  /** An adjective-noun pair no other needle of this module has used. */
  name(): [string, string];
  /** A noun that makes with `adjective` a pair not used yet (a sibling's). */
  nounFor(adjective: string): string;
  /** Marks the pair used; false when it already was. */
  reserve(adjective: string, noun: string): boolean;
}

function draws(random: () => number): Draw {
  const values = new Set<string>();
  const names = new Set<string>();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  return {
    pick,
    value(digits = 4 + Math.floor(random() * 3)) {
      for (;;) {
        const v = String(10 ** (digits - 1) + Math.floor(random() * 9 * 10 ** (digits - 1)));
        if (!values.has(v)) return values.add(v), v;
      }
    },
    name() {
      const adjective = pick(ADJECTIVES);
      return [adjective, this.nounFor(adjective)];
    },
    reserve(adjective, noun) {
      return !names.has(`${adjective}-${noun}`) && !!names.add(`${adjective}-${noun}`);
    },
    nounFor(adjective) {
      for (;;) {
        const noun = pick(NOUNS);
        if (!names.has(`${adjective}-${noun}`)) return names.add(`${adjective}-${noun}`), noun;
      }
    },
  };
}

const upper = (...words: string[]) => words.join("_").toUpperCase();
const camel = (...words: string[]) => words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join("");

interface Siblings {
  /** Each key's words (adjective, noun, setting) and value, in the order they are written. */
  keys: { words: string[]; value: string }[];
  /** Which of `keys` is asked for. */
  asked: number;
  /** A combination of the siblings' words that no key has. */
  miss: string[];
}

/** The asked key, a sibling with another setting and one with another noun, in a random order. */
function siblings(draw: Draw, random: () => number): Siblings {
  const [adjective, noun] = draw.name();
  const otherNoun = draw.nounFor(adjective);
  const [setting, otherSetting] = shuffled([...SETTINGS], random) as [string, string];
  const keys = shuffled([[adjective, noun, setting], [adjective, noun, otherSetting], [adjective, otherNoun, setting]], random).map((words) => ({ words, value: draw.value() }));
  return { keys, asked: keys.findIndex((k) => k.words.join() === [adjective, noun, setting].join()), miss: [adjective, otherNoun, otherSetting] };
}

/** Inserts `lines` at line `at` (1-based) of `file`, moving the needles of `planted` below it; returns the line each one landed on. */
async function insertLines(root: string, file: string, at: number, lines: string[], planted: PlantedNeedle[]): Promise<number[]> {
  const text = (await readFile(path.join(root, file), "utf8")).split("\n");
  text.splice(at - 1, 0, ...lines);
  await writeFile(path.join(root, file), text.join("\n"));
  for (const needle of planted) if (needle.file === file && needle.line >= at) needle.line += lines.length;
  return lines.map((_, i) => at + i);
}

/** A constant as the file's language writes it. */
function statement(file: string, name: string, value: string): string {
  if (file.endsWith(".py")) return `${name} = ${value}`;
  if (/\.(?:c|h|cc|cpp|hpp)$/.test(file)) return `#define ${name} ${value}`;
  return `const ${name} = ${value};`;
}

const shuffled = <T>(xs: T[], random: () => number): T[] => xs.map((x) => ({ x, r: random() })).sort((a, b) => a.r - b.r).map((e) => e.x);

/**
 * Plants the code-shaped needles in files of `root`, those without a needle of `earlier` first (a small tree
 * has few files: then a file takes several, and the needles below an insertion move down with it), and
 * returns them with their questions: kinds "identifier", "identifier in words", "config", "string",
 * "multi-value", "beside a sibling" (a comment needle next to another) and, asking for a sibling combination
 * that is not there, "sibling miss".
 */
export async function plantCodeNeedles(root: string, earlier: PlantedNeedle[], random: () => number): Promise<{ planted: PlantedNeedle[]; questions: NeedleQuestion[] }> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/")).sort();
  const taken = new Set(earlier.map((n) => n.file));
  const order = [...shuffled(files.filter((f) => !taken.has(f)), random), ...shuffled(files.filter((f) => taken.has(f)), random)];
  const draw = draws(random);
  const planted: PlantedNeedle[] = [];
  const questions: NeedleQuestion[] = [];
  let next = 0;
  const nextFile = () => order[next++ % order.length]!;
  const atRandomLine = async (file: string) => 1 + Math.floor(random() * (await readFile(path.join(root, file), "utf8")).split("\n").length);
  const insert = (file: string, at: number, lines: string[]) => insertLines(root, file, at, lines, [...earlier, ...planted]);

  // Constants: the asked name and its siblings, in a random order.
  for (let b = 0; b < CONSTANT_BLOCKS; b++) {
    const file = nextFile();
    const block = siblings(draw, random);
    const lines = await insert(file, await atRandomLine(file), block.keys.map((k) => statement(file, upper(...k.words), k.value)));
    const needles = block.keys.map((k, i) => ({ file, line: lines[i]!, key: upper(...k.words), value: k.value }));
    planted.push(...needles);
    const answer = needles[block.asked]!;
    questions.push({ kind: "identifier", key: answer.key, question: answer.key, needles: [answer] });
    questions.push({ kind: "identifier in words", key: answer.key, question: `what is the ${block.keys[block.asked]!.words.join(" ")}?`, needles: [answer] });
    questions.push({ kind: "sibling miss", key: upper(...block.miss), question: `what is the ${block.miss.join(" ")}?`, needles: [] });
  }

  // Config values: a YAML and a JSON file of settings, new files in folders of the tree.
  for (const format of ["yml", "json"] as const) {
    const folder = path.dirname(nextFile());
    const block = siblings(draw, random);
    const file = `${folder}/settings.${format}`;
    const keyOf = (words: string[]) => (format === "yml" ? words.join("_") : camel(...words));
    const body = format === "yml"
      ? ["# Service settings", "name: worker", ...block.keys.map((k) => `${keyOf(k.words)}: ${k.value}`), "log_level: info", ""]
      : ["{", '  "name": "worker",', ...block.keys.map((k) => `  "${keyOf(k.words)}": ${k.value},`), '  "logLevel": "info"', "}", ""];
    await mkdir(path.join(root, folder), { recursive: true });
    await writeFile(path.join(root, file), body.join("\n"));
    const needles = block.keys.map((k, i) => ({ file, line: 3 + i, key: keyOf(k.words), value: k.value }));
    planted.push(...needles);
    const answer = needles[block.asked]!;
    questions.push({ kind: "config", key: answer.key, question: `what is the ${block.keys[block.asked]!.words.join(" ")}?`, needles: [answer] });
    questions.push({ kind: "sibling miss", key: keyOf(block.miss), question: `what is the ${block.miss.join(" ")}?`, needles: [] });
  }

  // String constants, asked in words.
  for (let s = 0; s < STRING_CONSTANTS; s++) {
    const file = nextFile();
    const [adj, noun] = draw.name();
    const value = `${draw.pick(STRING_WORDS)}-${draw.value()}`;
    const key = upper(adj, noun, "label");
    const [line] = await insert(file, await atRandomLine(file), [statement(file, key, JSON.stringify(value))]);
    const needle = { file, line: line!, key, value };
    planted.push(needle);
    questions.push({ kind: "string", key, question: `what is the ${adj} ${noun} label?`, needles: [needle] });
  }

  // One comment key in several files: "What are ...?" wants every value.
  for (const size of MULTI_VALUE_SIZES) {
    const key = draw.name().join("-");
    const needles: PlantedNeedle[] = [];
    for (let i = 0; i < size; i++) {
      const file = nextFile();
      const value = draw.value();
      const [line] = await insert(file, await atRandomLine(file), [needleLine(key, value)]);
      const needle = { file, line: line!, key, value };
      needles.push(needle);
      planted.push(needle); // before the next insertion, which may move it
    }
    questions.push({ kind: "multi-value", key, question: `What are the special magic numbers for ${key}?`, needles });
  }

  // Comment needles two to a line pair, keys sharing no word: the first's adjective with the second's noun has
  // every word beside a value and none on one line.
  for (let p = 0; p < COMMENT_PAIRS; p++) {
    const file = nextFile();
    const first = draw.name();
    let second = draw.name();
    while (second[0] === first[0] || second[1] === first[1] || !draw.reserve(first[0], second[1])) second = draw.name();
    const pair = shuffled([first, second], random).map((words) => ({ key: words.join("-"), value: draw.value(7) }));
    const lines = await insert(file, await atRandomLine(file), pair.map((n) => needleLine(n.key, n.value)));
    const needles = pair.map((n, i) => ({ file, line: lines[i]!, ...n }));
    planted.push(...needles);
    const answer = needles.find((n) => n.key === first.join("-"))!;
    questions.push({ kind: "beside a sibling", key: answer.key, question: `what is the special magic number for the ${first.join(" ")}?`, needles: [answer] });
    questions.push({ kind: "sibling miss", key: `${first[0]}-${second[1]}`, question: `what is the special magic number for the ${first[0]} ${second[1]}?`, needles: [] });
  }
  return { planted, questions };
}
