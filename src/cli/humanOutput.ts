// Plain-text renderings for a person at a terminal; --json output is the engine's data as is.
import type { AskResult, IndexResult, NeedleResult } from "../engine";
import { describeIndexResult, describeMemory, formatCount } from "../shared/indexText";
import { firstLine } from "../shared/snippet";
import { printable } from "./terminalText";

export function indexText(result: IndexResult): string {
  const skipped = result.skipped.length === 0 ? "" : `; ${formatCount(result.skipped.length)} files skipped (--json lists them)`;
  const changes = result.changes;
  const changed = changes
    ? `${formatCount(changes.added)} added, ${formatCount(changes.changed)} changed, ${formatCount(changes.removed)} removed, ${formatCount(changes.unchanged)} unchanged\n`
    : "";
  const warnings = (result.warnings ?? []).map((warning) => `warning: ${printable(warning)}\n`).join("");
  return (
    `Indexed ${describeIndexResult(result)}, ${formatCount(result.tokensPerSecond)} tokens/s${skipped}\n` +
    changed +
    (result.memory ? `${describeMemory(result.memory)}\n` : "") +
    `Tokens counted by ${result.tokenCounter}\n` +
    warnings
  );
}

export function askText(result: AskResult): string {
  if (result.hits.length === 0) return "no matches\n";
  return result.hits
    .map((hit) => `${printable(hit.file)}:${hit.startLine}-${hit.endLine}  ${hit.score.toFixed(2)}  ${hit.sources.join("+")}\n    ${printable(firstLine(hit.snippet))}\n`)
    .join("");
}

export function needleText(result: NeedleResult): string {
  if (result.answer === "") {
    const why = `no answer${result.reason ? `: ${printable(result.reason)}` : ""}\n`;
    return result.hits.length === 0 ? why : `${why}  best lexical line: ${printable(result.file)}:${result.line}\n`;
  }
  const answers = result.answers?.length ? result.answers : [{ ...result, column: result.column ?? 1 }];
  return answers.map((a) => `${printable(a.answer)}\n  at ${printable(a.file)}:${a.line}:${a.column} (confidence ${a.confidence.toFixed(2)})\n`).join("");
}
