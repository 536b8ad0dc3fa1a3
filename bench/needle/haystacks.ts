// The niah haystacks beyond one needle per key: near-miss distractors (a key sharing the asked key's adjective,
// appended at the end of another file, so no needle's line moves), code-shaped needles (codeNeedles.ts) and the
// same tree as one big file.
import { appendFile, cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type PlantedNeedle, heldoutTreeWithNeedles, needleLine, seeded } from "../index/heldoutTrees";
import { plantCodeNeedles } from "./codeNeedles";
import { type NeedleQuestion, needleQuestions } from "./needleQuestions";

export interface Haystack {
  root: string;
  planted: PlantedNeedle[];
  questions: NeedleQuestion[];
  distractors: string[];
}

/** A held-out tree of about `tokens` tokens with its needles, their near-miss distractors and the code-shaped needles, in a folder of its own. */
export async function needleHaystack(tokens: number, needles: number, seed: number): Promise<Haystack> {
  const { root: shared, planted } = await heldoutTreeWithNeedles(tokens, needles, seed);
  // The tree's folder is the index benchmark's too: distractors go into a copy.
  const root = path.join(tmpdir(), `longlens-needle-tree-${tokens}-${needles}-${seed}`);
  await rm(root, { recursive: true, force: true });
  await cp(shared, root, { recursive: true });
  const questions = needleQuestions(planted);
  const distractors = await plantDistractors(root, planted, new Set(questions.map((q) => q.key)), seed);
  // The code needles may move a needle's line (they are inserted in its file): the questions hold these copies.
  const moved = planted.map((p) => ({ ...p }));
  for (const [i, q] of questions.entries()) questions[i] = { ...q, needles: q.needles.map((n) => moved[planted.indexOf(n)]!) };
  const code = await plantCodeNeedles(root, moved, seeded(seed + 104_729));
  return { root, planted: [...moved, ...code.planted], questions: [...questions, ...code.questions], distractors };
}

/** Plants, for each needle, a near miss of its key in the next needle's file; keys in `avoid` are never used. */
export async function plantDistractors(root: string, planted: readonly PlantedNeedle[], avoid: ReadonlySet<string>, seed: number): Promise<string[]> {
  const random = seeded(seed + 7919);
  const used = new Set([...avoid, ...planted.map((p) => p.key)]);
  const keys: string[] = [];
  for (const [i, needle] of planted.entries()) {
    const key = `${needle.key.split("-")[0]}-${planted[(i + 2) % planted.length]!.key.split("-")[1]}`;
    if (used.has(key)) continue;
    used.add(key);
    keys.push(key);
    const value = String(1_000_000 + Math.floor(random() * 9_000_000));
    await appendFile(path.join(root, planted[(i + 1) % planted.length]!.file), `\n${needleLine(key, value)}\n`);
  }
  return keys;
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/")).sort();
}

/** The tree as one file (its files in path order), its line count, and where a needle of the tree stands in it. */
export async function asOneFile(root: string, folder: string): Promise<{ file: string; lines: number; moved: (needle: PlantedNeedle) => PlantedNeedle }> {
  const offsets = new Map<string, number>();
  const texts: string[] = [];
  let lines = 0;
  for (const name of await filesUnder(root)) {
    const text = (await readFile(path.join(root, name), "utf8")).replace(/\n?$/, "\n");
    offsets.set(name, lines);
    texts.push(text);
    lines += text.split("\n").length - 1;
  }
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  const file = path.join(folder, "haystack.js");
  await writeFile(file, texts.join(""));
  return { file, lines, moved: (p) => ({ ...p, file: "haystack.js", line: offsets.get(p.file)! + p.line }) };
}
