// Runs needle questions against an indexed held-out tree and records what LongLens answered and how long it took.
import { performance } from "node:perf_hooks";
import type { NeedleResult } from "../../src/engine/types";
import type { Workspace } from "../../src/engine/workspace";
import type { NeedleQuestion } from "./needleQuestions";

export interface AskedNeedle extends NeedleQuestion {
  result: NeedleResult;
  seconds: number;
}

/** Whether the result gives the needles' values (every one, and no other) at their files and lines; with no needle, nothing. */
export function answeredRight(asked: AskedNeedle): { value: boolean; location: boolean } {
  const { needles, result } = asked;
  if (needles.length === 0) return { value: result.answer === "", location: result.answer === "" };
  const given = result.answers ?? [];
  const values = new Set(given.map((a) => a.answer));
  const value = values.size === needles.length && needles.every((n) => values.has(n.value));
  return { value, location: value && needles.every((n) => given.some((a) => a.answer === n.value && a.file === n.file && a.line === n.line)) };
}

export async function askNeedles(workspace: Workspace, questions: readonly NeedleQuestion[]): Promise<AskedNeedle[]> {
  const asked: AskedNeedle[] = [];
  for (const q of questions) {
    const started = performance.now();
    const result = await workspace.needle(q.question);
    asked.push({ ...q, result, seconds: (performance.now() - started) / 1000 });
  }
  return asked;
}
