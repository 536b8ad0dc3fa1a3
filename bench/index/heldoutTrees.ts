// Workspaces of about N tokens cut from the held-out corpus (models/training/corpus.py builds it from the
// packages pinned under "heldout" in corpus.json; never training code), with needles planted at seeded
// random places: the same trees every run.
import { spawnSync } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { LongLensError } from "../../src/engine/errors";
import { longLensCacheDir } from "../../src/engine/store/defaultStoreDir";

const ROOT = path.join(__dirname, "..", "..");
/** Bytes per model token on held-out JavaScript/TypeScript (close enough to size a tree; the index counts exactly). */
const BYTES_PER_TOKEN = 3.4;

export interface PlantedNeedle {
  file: string;
  line: number;
  key: string;
  value: string;
}

interface CorpusFile {
  split: string;
  path: string;
  bytes: number;
}

/** The held-out corpus folder, built by the training pipeline's corpus step when missing. */
function heldoutCorpus(): string {
  const corpus = path.join(process.env.LONGLENS_CACHE ?? longLensCacheDir(), "training", "corpus");
  const venv = process.env.LONGLENS_VENV ?? path.join(longLensCacheDir(), "venv");
  const files = path.join(corpus, "files.json");
  if (spawnSync("test", ["-f", files]).status !== 0) {
    console.error("Building the held-out corpus (models/training/corpus.py) ...");
    const run = spawnSync(path.join(venv, "bin", "python"), [path.join(ROOT, "models", "training", "corpus.py")], { stdio: ["ignore", "ignore", "inherit"] });
    if (run.status !== 0) throw new LongLensError(`corpus.py failed; run \`npm run train -- --smoke\` once to create ${venv}.`);
  }
  return corpus;
}

/** A seeded generator (mulberry32), so trees and needles are the same every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The evaluation halves of the training's needle word lists (models/training/needles.py EVAL_WORDS).
const ADJECTIVES = "brave dark fancy happy jolly lively noble proud silent vast young ancient clever early golden humble keen mellow olive quick shiny upper warm bold dim grand iron".split(" ");
const NOUNS = "falcon anchor candle ember glacier island kettle marble orchard quarry saddle valley yacht badger dolphin feather hammer jacket ladder nectar parrot ribbon tunnel walnut".split(" ");

export function needleLine(key: string, value: string): string {
  return `// One of the special magic numbers for ${key} is: ${value}.`;
}

export function needleQuestion(key: string, paraphrase: boolean): string {
  const name = paraphrase ? `the ${key.replace("-", " ")}` : key;
  return `\n// Question: What is the special magic number for ${name}?\n// Answer: The special magic number for ${name} is:`;
}

/** A tree of about `tokens` tokens of held-out code, and `needles` places for single needles (distinct keys and
 * files, seeded): the needles are not written; plantNeedle puts one in, and its return value takes it out. */
export async function heldoutTree(tokens: number, needles: number, seed = 1): Promise<{ root: string; planned: PlantedNeedle[] }> {
  const corpus = heldoutCorpus();
  const listed = JSON.parse(await readFile(path.join(corpus, "files.json"), "utf8")) as CorpusFile[];
  const files = listed.filter((f) => f.split === "heldout").sort((a, b) => (a.path < b.path ? -1 : 1));
  const root = path.join(longLensCacheDir(), "bench", "index-trees", `${tokens}-${seed}`);
  await rm(root, { recursive: true, force: true });
  const budget = tokens * BYTES_PER_TOKEN;
  const chosen: { file: CorpusFile; lines: number }[] = [];
  let bytes = 0;
  for (const file of files) {
    if (bytes >= budget) break;
    const target = path.join(root, file.path.replace(/^heldout\//, ""));
    await mkdir(path.dirname(target), { recursive: true });
    const text = await readFile(path.join(corpus, file.path), "utf8");
    await writeFile(target, text);
    chosen.push({ file, lines: text.split("\n").length });
    bytes += file.bytes;
  }
  if (bytes < budget * 0.9) throw new LongLensError(`The held-out corpus has only about ${Math.round(bytes / BYTES_PER_TOKEN)} tokens.`);
  const random = seeded(seed);
  const planned: PlantedNeedle[] = [];
  const used = new Set<number>();
  const keys = new Set<string>();
  while (planned.length < Math.min(needles, chosen.length)) {
    const i = Math.floor(random() * chosen.length);
    const key = `${ADJECTIVES[Math.floor(random() * ADJECTIVES.length)]}-${NOUNS[Math.floor(random() * NOUNS.length)]}`;
    if (used.has(i) || keys.has(key)) continue;
    used.add(i);
    keys.add(key);
    const { file, lines } = chosen[i]!;
    planned.push({
      file: file.path.replace(/^heldout\//, ""),
      line: 1 + Math.floor(random() * lines),
      key,
      value: String(1_000_000 + Math.floor(random() * 9_000_000)),
    });
  }
  return { root, planned };
}

/** Writes one needle into its file (at its line); the returned function restores the file. */
export async function plantNeedle(root: string, needle: PlantedNeedle): Promise<() => Promise<void>> {
  const file = path.join(root, needle.file);
  const original = await readFile(file, "utf8");
  const lines = original.split("\n");
  lines.splice(needle.line - 1, 0, needleLine(needle.key, needle.value));
  await writeFile(file, lines.join("\n"));
  return () => writeFile(file, original);
}

/** The same tree with every planned needle in it at once (one per file): the multi-needle haystacks of the niah bench. */
export async function heldoutTreeWithNeedles(tokens: number, needles: number, seed = 1): Promise<{ root: string; planted: PlantedNeedle[] }> {
  const { root, planned } = await heldoutTree(tokens, needles, seed);
  for (const needle of planned) await plantNeedle(root, needle);
  return { root, planted: planned };
}
