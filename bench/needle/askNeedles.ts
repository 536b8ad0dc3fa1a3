// Runs needle questions against an indexed held-out tree and records what LongLens answered and how long it took.
import { performance } from "node:perf_hooks";
import type { NeedleResult } from "../../src/engine/types";
import type { Workspace } from "../../src/engine/workspace";
import type { NeedleQuestion } from "./needleQuestions";

export interface AskedNeedle extends NeedleQuestion {
  result: NeedleResult;
  seconds: number;
}

/** Whether the result gives the needle's value at its file and line (or, with no needle, gives nothing). */
export function answeredRight(asked: AskedNeedle): { value: boolean; location: boolean } {
  const { needle, result } = asked;
  if (!needle) return { value: result.answer === "", location: result.answer === "" };
  const value = result.answer === needle.value;
  return { value, location: value && result.file === needle.file && result.line === needle.line };
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
