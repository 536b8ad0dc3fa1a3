import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { bestLine, snippetAround } from "../../src/engine/lexical/snippet";
import { firstLine } from "../../src/shared/snippet";

const TASKBOARD = path.join(__dirname, "..", "..", "samples", "taskboard");

test("a JSDoc block shows its first sentence, not the bare /**", () => {
  const snippet = [
    "",
    "/**",
    " * The reminder time is computed from the due date minus the configured lead time. A reminder that would",
    " * land in quiet hours is moved earlier, to when quiet hours begin.",
    " */",
    "export function computeReminderTime(dueAt: Date, settings: ReminderSettings, now = new Date()): Date {",
  ].join("\n");
  assert.equal(firstLine(snippet), "The reminder time is computed from the due date minus the configured lead time. A reminder that would");
});

test("a snippet that starts at the end of a comment skips the */ and shows the code", () => {
  const snippet = [" */", "export function firstLine(snippet: string): string {", "  const lines = snippet.split(\"\\n\");"].join("\n");
  assert.equal(firstLine(snippet), "export function firstLine(snippet: string): string {");
});

test("one-line doc comments lose their opener and closer", () => {
  assert.equal(firstLine("/** Lines shown for a hit: enough to recognise the code. */\nexport const SNIPPET_LINES = 12;"), "Lines shown for a hit: enough to recognise the code.");
  assert.equal(firstLine('    """Failed email sends are retried with exponential backoff, up to maxRetries times.'), "Failed email sends are retried with exponential backoff, up to maxRetries times.");
});

test("line comments in several languages show their text", () => {
  assert.equal(firstLine("//\n// Command export-checksum writes the task board to a CSV file\npackage main"), "Command export-checksum writes the task board to a CSV file");
  assert.equal(firstLine("#\n# Build output: the task data file, exports and compiled JavaScript.\nbuild/"), "Build output: the task data file, exports and compiled JavaScript.");
  assert.equal(firstLine("--\n-- Tasks due this week, soonest first.\nSELECT id, title FROM tasks"), "Tasks due this week, soonest first.");
  assert.equal(firstLine('"""\nReminder worker: asks the Taskboard API which reminders are due.\n"""'), "Reminder worker: asks the Taskboard API which reminders are due.");
});

test("separator comments say nothing and are skipped", () => {
  assert.equal(firstLine("// ---------------------------------\n// Routes\n"), "Routes");
  assert.equal(firstLine("#####\n\nimport os"), "import os");
});

test("lines of nothing but brackets, left over from the block above, are skipped", () => {
  const snippet = ["  }", "});", "", "// The server listens on the port from config/taskboard.json (8087)."].join("\n");
  assert.equal(firstLine(snippet), "The server listens on the port from config/taskboard.json (8087).");
});

test("code that starts like a comment marker is left as it is", () => {
  assert.equal(firstLine("#include <stdio.h>\nint main(void) {"), "#include <stdio.h>");
  assert.equal(firstLine("*ptr = value;"), "*ptr = value;");
  assert.equal(firstLine("  --top 5  how many hits to show"), "--top 5  how many hits to show");
  assert.equal(firstLine("\n\n  server.listen(config.server.port, config.server.host, () => {"), "server.listen(config.server.port, config.server.host, () => {");
});

test("a snippet of nothing but comment punctuation falls back to its first non-empty line", () => {
  assert.equal(firstLine("\n  /**\n   *\n   */\n"), "/**");
  assert.equal(firstLine(""), "");
  assert.equal(firstLine("\n   \n"), "");
});

test("the snippet the engine cuts from a chunk that opens on a doc comment shows the comment's words", async () => {
  const lines = (await readFile(path.join(TASKBOARD, "api", "src", "reminders.ts"), "utf8")).split("\n");
  // Syntax chunks start at the doc comment above a function, so the snippet of such a chunk opens on a bare "/**".
  const functionLine = lines.findIndex((line) => line.startsWith("export function computeReminderTime("));
  const chunk = lines.slice(lines.lastIndexOf("/**", functionLine)).join("\n");
  const snippet = snippetAround(chunk, bestLine(chunk, ["reminder", "time", "computed"])).text;
  assert.equal(snippet.split("\n")[0], "/**");
  assert.equal(firstLine(snippet), "The reminder time is computed from the due date minus the configured lead time. A reminder that would");
});
