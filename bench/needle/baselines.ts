// What a user reaches for instead of `needle`: ripgrep on the key as the question writes it, or the lexical
// index's best line; either way the value is read off the line that matched, as a person would read it.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { Hit } from "../../src/engine/types";

export interface BaselineAnswer {
  value: string;
  file: string;
  line: number;
  seconds: number;
}

/** The value a line states: what follows its last ':' or '=', up to the end of the statement. */
export function valueOnLine(text: string): string {
  const stated = text.slice(Math.max(text.lastIndexOf(":"), text.lastIndexOf("=")) + 1);
  return stated.split(/[;,]|\/\/|#/)[0]!.trim().replace(/[.\s]+$/, "").replace(/^["'`]|["'`]$/g, "");
}

/** The words the question asks about, as it writes them ("misty-harbor", "the misty harbor" -> "misty harbor"). */
export function askedPhrase(question: string): string {
  const asked = /Question: .* for (.*)\?/.exec(question)?.[1] ?? question;
  return asked.replace(/^the\s+/i, "").trim();
}

export function ripgrepAnswer(root: string, question: string): BaselineAnswer {
  const started = performance.now();
  const run = spawnSync("rg", ["-n", "-i", "-F", "--no-heading", "-m", "1", askedPhrase(question), "."], { cwd: root, encoding: "utf8" });
  const first = run.stdout.split("\n")[0] ?? "";
  const match = /^\.?\/?(.*?):(\d+):(.*)$/.exec(first);
  const seconds = (performance.now() - started) / 1000;
  return match ? { value: valueOnLine(match[3]!), file: match[1]!, line: Number(match[2]), seconds } : { value: "", file: "", line: 0, seconds };
}

/** The lexical index's best hit (as needle ranks it, without the model), read at the line naming the asked words. */
export async function lexicalAnswer(hits: readonly Hit[], question: string, readLine: (file: string, line: number) => Promise<string>): Promise<Omit<BaselineAnswer, "seconds">> {
  const best = hits.find((h) => h.sources.includes("lexical"));
  if (!best) return { value: "", file: "", line: 0 };
  const lines = best.snippet.split("\n");
  const words = askedPhrase(question).toLowerCase().split(/[\s-]+/);
  const line = best.startLine + Math.max(0, lines.findIndex((l) => words.every((w) => l.toLowerCase().includes(w))));
  return { value: valueOnLine(await readLine(best.file, line)), file: best.file, line };
}
