// Human-readable durations used in the scheduler's configuration files.

const UNIT_MILLISECONDS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses a duration string such as "1h30m" or "250ms" into milliseconds.
 * Units may repeat in any order; whitespace between parts is allowed.
 */
export function parseDuration(text: string): number {
  const pattern = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * UNIT_MILLISECONDS[match[2]];
    consumed += match[0].length;
  }
  if (consumed === 0 || consumed < text.replace(/\s+/g, "").length) {
    throw new Error(`not a duration: "${text}"`);
  }
  return total;
}

/** Formats milliseconds back into the shortest duration string, e.g. 5400000 -> "1h30m". */
export function formatDuration(milliseconds: number): string {
  let rest = Math.round(milliseconds);
  const parts: string[] = [];
  for (const unit of ["d", "h", "m", "s", "ms"]) {
    const size = UNIT_MILLISECONDS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      parts.push(`${count}${unit}`);
      rest -= count * size;
    }
  }
  return parts.length > 0 ? parts.join("") : "0ms";
}
