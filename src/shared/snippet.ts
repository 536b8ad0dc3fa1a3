/** The first line of a snippet with something on it, trimmed: enough to recognise a hit. */
export function firstLine(snippet: string): string {
  return snippet.split("\n").find((line) => line.trim() !== "")?.trim() ?? "";
}
