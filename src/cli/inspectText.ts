// `longlens inspect` for a person at a terminal: the tokens by line (with their window indices, for --token),
// what the chosen token attends to most, where REPO folds, and the memory slots read; --json carries the full arrays.
import type { InspectResult } from "../shared/inspectData";
import { formatCount } from "../shared/indexText";
import { unpack } from "../shared/packed";
import { printable } from "./terminalText";

/** Strongest keys listed per head for --token. */
const TOP_KEYS = 3;

export function inspectText(result: InspectResult): string {
  const cut = result.truncated ? " (cut to fit)" : "";
  const header =
    `${printable(result.file)} lines ${result.startLine}-${result.endLine}${cut}: ${formatCount(result.tokens.length)} tokens, ${result.tokenizer}\n` +
    `model: ${result.variant}, ${result.model.layers} layers x ${result.model.heads} heads, beta ${result.model.beta.toFixed(3)}, ${result.seconds.toFixed(2)} s\n`;
  return header + tokenLines(result) + attendedText(result) + foldText(result) + memoryText(result);
}

function tokenLines(result: InspectResult): string {
  const byLine = new Map<number, { first: number; texts: string[] }>();
  result.tokens.forEach((token, index) => {
    const onLine = byLine.get(token.line) ?? { first: index, texts: [] };
    onLine.texts.push(JSON.stringify(token.text));
    byLine.set(token.line, onLine);
  });
  return [...byLine].map(([line, { first, texts }]) => `${String(line).padStart(6)}  [${first}] ${texts.join(" ")}\n`).join("");
}

function attendedText(result: InspectResult): string {
  const { token, rows } = result.attention;
  if (token === undefined || !rows) return "";
  const values = unpack(rows);
  const T = result.tokens.length;
  const out = [`token ${token} ${JSON.stringify(result.tokens[token]!.text)} attends to:\n`];
  for (let layer = 0; layer < result.model.layers; layer++) {
    for (let head = 0; head < result.model.heads; head++) {
      const row = values.subarray((layer * result.model.heads + head) * T, (layer * result.model.heads + head + 1) * T);
      const top = [...row.keys()].sort((a, b) => row[b]! - row[a]!).slice(0, TOP_KEYS);
      const keys = top.map((k) => `${k} ${JSON.stringify(result.tokens[k]!.text)} ${row[k]!.toFixed(2)}`).join(", ");
      out.push(`  layer ${layer} head ${head}: ${keys}\n`);
    }
  }
  return out.join("");
}

function foldText(result: InspectResult): string {
  const lines = result.positions.layers
    .filter((p) => p.mode !== "none")
    .map((p) => {
      const folded = p.folds!.map((folds) => folds.reduce((n, [a, b]) => n + b - a + 1, 0));
      return `  layer ${p.layer} (${p.mode}): tokens folded per head ${folded.join(", ")} of ${result.tokens.length}\n`;
    });
  return lines.length ? `positions relative to token ${result.positions.reference}:\n${lines.join("")}` : "";
}

function memoryText(result: InspectResult): string {
  if (result.memoryReason !== undefined) return `memory: none read: ${printable(result.memoryReason)}\n`;
  const view = result.memory;
  if (!view) return "";
  const reader = "question" in view.reader ? `question ${JSON.stringify(view.reader.question)}` : `token ${view.reader.token}`;
  const out = [`memory read by ${printable(reader)}: the strongest slots of ${plural(view.shardsRead, "shard")}\n`];
  for (const { shard, slots } of view.shards) {
    out.push(`  ${printable(shard)}\n`);
    for (const s of slots) {
      const writer = s.writer ? `written at ${printable(s.writer.file)}:${s.writer.line} (chunk lines ${s.writer.startLine}-${s.writer.endLine})` : "never written";
      out.push(`    slot ${s.slot}  weight ${s.weight.toFixed(3)}  ${plural(s.writes, "write")}  ${writer}\n`);
    }
  }
  return out.join("");
}

const plural = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? "" : "s"}`;
