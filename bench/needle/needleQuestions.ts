// Needle questions about a held-out tree (bench/index/heldoutTrees.ts plants the needles): each planted key
// asked exactly and paraphrased, and keys that are not there: near misses (one word shared with a planted key)
// and keys of words that no needle uses (needles.py CALIBRATION_WORDS: in neither training nor evaluation).
import { type PlantedNeedle, needleQuestion } from "../index/heldoutTrees";

/** Kinds with an answer first; bench/needle/codeNeedles.ts asks the code-shaped ones. */
export const ANSWERED_KINDS = ["exact", "paraphrase", "multi-value", "identifier", "identifier in words", "config", "string", "beside a sibling"] as const;
export const UNANSWERED_KINDS = ["near-miss", "absent", "sibling miss"] as const;
export type QuestionKind = (typeof ANSWERED_KINDS)[number] | (typeof UNANSWERED_KINDS)[number];

export interface NeedleQuestion {
  kind: QuestionKind;
  /** The key asked for. */
  key: string;
  question: string;
  /** The needles that answer it (every one, for a multi-value question); [] when none does. */
  needles: PlantedNeedle[];
}

const UNUSED_KEYS = ["azure-acorn", "brisk-beacon", "coral-cobalt", "dainty-copper", "frosty-domino", "gloomy-fossil", "hasty-galaxy", "lofty-granite"];

export function needleQuestions(planted: readonly PlantedNeedle[], absent = 4): NeedleQuestion[] {
  const keys = new Set(planted.map((p) => p.key));
  const questions: NeedleQuestion[] = [];
  for (const needle of planted) {
    questions.push({ kind: "exact", key: needle.key, question: needleQuestion(needle.key, false), needles: [needle] });
    questions.push({ kind: "paraphrase", key: needle.key, question: needleQuestion(needle.key, true), needles: [needle] });
  }
  // A near miss takes one needle's adjective and the next one's noun: both words are in the tree, never together.
  for (let i = 0; i < planted.length && questions.filter((q) => q.kind === "near-miss").length < absent; i++) {
    const key = `${planted[i]!.key.split("-")[0]}-${planted[(i + 1) % planted.length]!.key.split("-")[1]}`;
    if (!keys.has(key)) questions.push({ kind: "near-miss", key, question: needleQuestion(key, false), needles: [] });
  }
  for (const key of UNUSED_KEYS.slice(0, absent)) questions.push({ kind: "absent", key, question: needleQuestion(key, false), needles: [] });
  return questions;
}
