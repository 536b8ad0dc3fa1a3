// Needle questions about a held-out tree (bench/index/heldoutTrees.ts plants the needles): each planted key
// asked exactly and paraphrased, and keys that are not there: near misses (one word shared with a planted key)
// and keys of words that no needle uses (needles.py CALIBRATION_WORDS: in neither training nor evaluation).
import { type PlantedNeedle, needleQuestion } from "../index/heldoutTrees";

export type QuestionKind = "exact" | "paraphrase" | "near-miss" | "absent";

export interface NeedleQuestion {
  kind: QuestionKind;
  /** The key asked for. */
  key: string;
  question: string;
  /** The needle that answers it; undefined when no needle does. */
  needle?: PlantedNeedle;
}

const UNUSED_KEYS = ["azure-acorn", "brisk-beacon", "coral-cobalt", "dainty-copper", "frosty-domino", "gloomy-fossil", "hasty-galaxy", "lofty-granite"];

export function needleQuestions(planted: readonly PlantedNeedle[], absent = 4): NeedleQuestion[] {
  const keys = new Set(planted.map((p) => p.key));
  const questions: NeedleQuestion[] = [];
  for (const needle of planted) {
    questions.push({ kind: "exact", key: needle.key, question: needleQuestion(needle.key, false), needle });
    questions.push({ kind: "paraphrase", key: needle.key, question: needleQuestion(needle.key, true), needle });
  }
  // A near miss takes one needle's adjective and the next one's noun: both words are in the tree, never together.
  for (let i = 0; i < planted.length && questions.filter((q) => q.kind === "near-miss").length < absent; i++) {
    const key = `${planted[i]!.key.split("-")[0]}-${planted[(i + 1) % planted.length]!.key.split("-")[1]}`;
    if (!keys.has(key)) questions.push({ kind: "near-miss", key, question: needleQuestion(key, false) });
  }
  for (const key of UNUSED_KEYS.slice(0, absent)) questions.push({ kind: "absent", key, question: needleQuestion(key, false) });
  return questions;
}
