// End to end: the built extension inside a real VS Code (code-server), used through its UI from headless
// Chromium. Started by test/e2e/run.sh, which passes the server URL and the workspace copy in the environment.
import assert from "node:assert/strict";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe } from "node:test";
import type { Browser, Frame, Page } from "playwright-core";
import { indexRuns, outputChannelText, recordMeasured } from "./measured";
import { listFiles, longLensHostErrors, openWorkbench, requiredEnv, steps } from "./suite";
import { UI_TIMEOUT_MS, type Workbench } from "./workbench";

const serverUrl = requiredEnv("LONGLENS_E2E_URL");
const workspace = requiredEnv("LONGLENS_E2E_WORKSPACE");
const fixture = requiredEnv("LONGLENS_E2E_FIXTURE");
const artifacts = requiredEnv("LONGLENS_E2E_ARTIFACTS");
const measuredFile = requiredEnv("LONGLENS_E2E_MEASURED");
const logs = requiredEnv("LONGLENS_E2E_LOGS");

/**
 * A file whose name and contents are HTML, added to the workspace copy by the test (such a name cannot be
 * checked out on Windows): real code, longer than the inspector's 2,000 tokens.
 */
const HOSTILE = "<img src=x onerror=alert(1)>";
const HOSTILE_FILE = `src/${HOSTILE}.ts`;
const HOSTILE_SOURCES = ["routes.ts", "validation.ts"].map((name) => path.join(import.meta.dirname, "../../samples/taskboard/api/src", name));
/** Committed screenshots the README shows. */
const SCREENSHOTS = path.join(import.meta.dirname, "screenshots");

/** The fixture's files (with the hostile one), and the question whose answer is parseDuration (declared on line 15). */
const FIXTURE_FILES = 5;
const QUESTION = "parse a duration string like 1h30m into milliseconds";
const ANSWER_FILE = "src/duration.ts";
const ANSWER_LINE = 15;
/** "LongLens: 5 files · 1,234 tokens · 1 memory shard", the status bar after an index. */
const indexedStatus = (files: number) => new RegExp(`LongLens: ${files} files · [\\d,]+ tokens · \\d+ memory shards?$`);
/** Written once the workspace is indexed (the automatic re-index must pick it up); Find Needle asks for its value. */
const NEEDLE_FILE = "src/limits.ts";
const NEEDLE_TEXT = "// Limits the scheduler enforces.\n// One of the special magic numbers for misty-harbor is: 4817263.\nexport const MAX_JOBS = 16;\n";
const NEEDLE_QUESTION = "what is the special magic number for the misty harbor?";
const NEEDLE_ANSWER = "4817263";

/**
 * The inspector's own account of opening (its footer's data attributes): command to drawn map, and its parts,
 * which add up to it: the extension host until it posted the data (the model's run, on the inspector's thread,
 * and the rest), the wait for a new webview's page to start, the message's transfer, unpacking and drawing.
 */
async function openTimings(frame: Frame, prefix: string): Promise<Record<string, number>> {
  const timing = frame.locator(".timing");
  const read = async (name: string) => Number(await timing.getAttribute(`data-${name}-ms`));
  const parts = { Open: "open", Host: "host", Model: "model", Script: "script", StartWait: "start-wait", Transfer: "transfer", Build: "build", Draw: "draw" };
  const measured: Record<string, number> = {};
  for (const [key, name] of Object.entries(parts)) measured[`${prefix}${key}Ms`] = await read(name);
  const sum = ["Host", "StartWait", "Transfer", "Build", "Draw"].reduce((total, key) => total + measured[`${prefix}${key}Ms`]!, 0);
  assert.equal(sum, measured[`${prefix}OpenMs`], `the parts of opening do not add up: ${JSON.stringify(measured)}`);
  return measured;
}

/**
 * The grid's first map at a cell above its diagonal (keys after the query: no attention, so the background
 * shade), and the editor background the theme gives the page, as RGB.
 */
async function emptyCell(frame: Frame): Promise<{ cell: number[]; background: number[] }> {
  // A string: this project's Node-only type-check has no DOM types; the frame has the DOM.
  return frame.evaluate<{ cell: number[]; background: number[] }>(`(() => {
    const grid = document.querySelector("canvas.grid");
    const ratio = window.devicePixelRatio || 1;
    const cell = [...grid.getContext("2d").getImageData(Math.round((26 + 55) * ratio), Math.round((26 + 5) * ratio), 1, 1).data].slice(0, 3);
    const probe = document.createElement("canvas").getContext("2d");
    probe.fillStyle = getComputedStyle(document.body).getPropertyValue("--vscode-editor-background").trim();
    probe.fillRect(0, 0, 1, 1);
    return { cell, background: [...probe.getImageData(0, 0, 1, 1).data].slice(0, 3) };
  })()`);
}

interface PickedHit {
  file: string;
  /** The hit's lines, from the item's description ("lines 12-30 · ..."), else just the label's line. */
  range: [number, number];
}

/** Reads "src/duration.ts:15, lines 15-27 · 0.91, export function ..." (a quick pick row's aria-label). */
function parseHitRow(ariaLabel: string): PickedHit | undefined {
  const location = /^(.+?):(\d+)(?:,|$)/.exec(ariaLabel);
  if (!location) return undefined;
  const line = Number(location[2]);
  const lines = /lines (\d+)\s*[-–]\s*(\d+)/.exec(ariaLabel);
  return { file: location[1]!, range: lines ? [Number(lines[1]), Number(lines[2])] : [line, line] };
}

describe("LongLens in VS Code (code-server)", { timeout: 240_000 }, () => {
  let browser: Browser;
  let page: Page;
  let workbench: Workbench;

  /** A screenshot for the README, kept in the repository (`clip` keeps it small where the rest says nothing). */
  async function snapshot(name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), ...(clip ? { clip } : {}) });
  }

  async function screenshot(name: string): Promise<void> {
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, `${name}.png`) }).catch(() => undefined);
  }

  const step = steps(artifacts, "", () => page);

  /** Picks a colour theme by its name in the palette's theme list; returns the name of the one it replaced. */
  async function chooseColorTheme(name: string): Promise<string> {
    await workbench.runCommand("Preferences: Color Theme");
    const focused = workbench.quickInput.locator(".quick-input-list .monaco-list-row.focused");
    await focused.waitFor({ timeout: UI_TIMEOUT_MS });
    const current = (await focused.getAttribute("aria-label"))?.split(",")[0]?.trim() ?? "";
    assert.ok(current, "the theme list shows no current theme");
    await workbench.quickInput.locator("input.input").fill(name);
    await workbench.quickInputRows.filter({ hasText: name }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press("Enter");
    await workbench.quickInput.waitFor({ state: "hidden", timeout: UI_TIMEOUT_MS });
    return current;
  }


  const dialogs: string[] = [];
  const measured: Record<string, number> = {};

  before(async () => {
    const sources = await Promise.all(HOSTILE_SOURCES.map((file) => readFile(file, "utf8")));
    await writeFile(path.join(workspace, HOSTILE_FILE), `// ${HOSTILE} in a comment: text, never markup\n${sources.join("\n")}`);
    ({ browser, page, workbench } = await openWorkbench(`${serverUrl}/?folder=${encodeURIComponent(workspace)}`));
    // An alert would mean a webview ran a file's contents as markup (webviews open only later, from the steps).
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });

  after(async () => {
    if (Object.keys(measured).length) {
      measured.loadAverage = os.loadavg()[0]!;
      console.log(`[e2e] measured: ${JSON.stringify(measured)}`);
      await recordMeasured(measuredFile, measured);
    }
    if (page) await screenshot("final");
    await browser?.close();
  });

  step("the workbench loads", 120_000, async () => {
    await workbench.waitUntilReady();
  });

  step("Index Workspace reports the files it indexed", 150_000, async () => {
    await workbench.runCommand("LongLens: Index Workspace");
    const message = await workbench.waitForNotification("LongLens indexed", 120_000);
    assert.match(message, new RegExp(`LongLens indexed ${FIXTURE_FILES} files, \\d+ chunks \\(.*\\) in [\\d.]+ s`));
    const statusText = (await workbench.statusBarItem("LongLens:").innerText()).trim();
    assert.match(statusText, indexedStatus(FIXTURE_FILES));
  });

  step("a file added to the workspace is indexed by itself; the status bar goes stale, then shows the new count", 120_000, async () => {
    await writeFile(path.join(workspace, NEEDLE_FILE), NEEDLE_TEXT);
    const shown = await workbench.watchStatusBarItem("LongLens:", (text) => indexedStatus(FIXTURE_FILES + 1).test(text), 90_000);
    console.log(`[e2e] status bar after the edit: ${shown.join(" | ")}`);
    assert.ok(shown.some((text) => text.endsWith("(stale)")), `the status bar never said stale:\n${shown.join("\n")}`);
    // Its menu.
    await workbench.statusBarItem("LongLens:").click();
    await workbench.quickInputRows.filter({ hasText: "Pause Automatic Indexing" }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    const entries = await workbench.quickInputRows.allInnerTexts();
    for (const entry of ["Re-index", "Clear Index", "Open Attention Inspector"]) {
      assert.ok(entries.some((text) => text.includes(entry)), `the menu lacks ${entry}: ${entries.join(" / ")}`);
    }
    await screenshot("status-menu");
    await page.keyboard.press("Escape");
  });

  step("every index run logs the extension host's worst event-loop stall", 10_000, async () => {
    // The startup index, Index Workspace and the automatic re-index after the edit (at least the last two).
    const stalls = indexRuns(await outputChannelText(logs, "LongLens")).map((run) => run.stallMs);
    assert.ok(stalls.length >= 2, `the LongLens output logged ${stalls.length} index runs' stalls`);
    measured.indexRuns = stalls.length;
    measured.indexWorstStallMs = Math.max(...stalls);
  });

  step("Ask the Codebase lists the answer and opens it", 90_000, async () => {
    const labels = await workbench.askTopHits(QUESTION, 3);
    const hits = labels.map(parseHitRow);
    const rank = hits.findIndex(
      (hit) => hit?.file === ANSWER_FILE && hit.range[0] <= ANSWER_LINE && ANSWER_LINE <= hit.range[1],
    );
    assert.ok(rank >= 0, `${ANSWER_FILE}:${ANSWER_LINE} is not among the top 3 hits:\n${labels.join("\n")}`);
    const answer = hits[rank]!;
    await screenshot("ask-hits");

    await workbench.quickInputRow(rank).click();
    await workbench.waitForActiveTab(path.basename(ANSWER_FILE));
    await workbench.waitForCursorWithin(answer.range[0], answer.range[1]);
  });

  step("the Hits view lists the last question's hits with their sources; a click opens one", 90_000, async () => {
    await workbench.runCommand("LongLens: Show Hits");
    const frame = await workbench.webviewFrame("ol.hits", 60_000);
    assert.match(await frame.locator("h1").innerText(), new RegExp(`Hits for “${QUESTION}”`));
    const rows = frame.locator("li.hit");
    assert.ok((await rows.count()) >= 1);
    const answer = rows.filter({ hasText: `${ANSWER_FILE}:` }).first();
    assert.match(await answer.locator(".sources").innerText(), /lexical/);
    assert.ok((await answer.locator(".bar .fill").count()) === 1);
    // The folders' section folded away, so the view has the side bar's height for the screenshot.
    const folders = page.locator('.pane-header[aria-label^="Explorer Section"]').first();
    await folders.click();
    await page.waitForTimeout(600); // the sections' resize animation
    await snapshot("hits", { x: 0, y: 0, width: 820, height: 1000 });
    await folders.click();
    // Another file first, so that the answer's tab coming back shows the click worked.
    await workbench.openFromExplorer("queue.ts");
    await answer.click();
    await workbench.waitForActiveTab(path.basename(ANSWER_FILE));
  });

  step("Find Needle jumps to the value and shows it inline: answer and confidence after the line, evidence on hover, the other candidates in a peek", 150_000, async () => {
    await workbench.openFromExplorer("queue.ts"); // nothing selected: the question comes from the input box
    await workbench.runCommand("LongLens: Find Needle");
    await workbench.answerInputBox("Find a needle", NEEDLE_QUESTION);
    const message = await workbench.waitForNotification(`“${NEEDLE_ANSWER}” at ${NEEDLE_FILE}:2`, 90_000);
    assert.match(message, /confidence \d+%/);
    await workbench.waitForActiveTab(path.basename(NEEDLE_FILE));
    await workbench.waitForCursorWithin(2, 2);
    const deadline = Date.now() + UI_TIMEOUT_MS;
    let notes: string[] = [];
    while (!notes.some((text) => text.startsWith(`LongLens: ${NEEDLE_ANSWER} · confidence `))) {
      assert.ok(Date.now() < deadline, `no after-line decoration with the answer; decorations: ${JSON.stringify(notes)}`);
      await page.waitForTimeout(200);
      notes = await workbench.afterDecorationTexts();
    }
    const value = await workbench.textPosition(NEEDLE_ANSWER);
    assert.ok(value, "the editor does not show the value");
    await page.mouse.move(value.x, value.y);
    const hover = page.locator(".monaco-hover", { hasText: "LongLens needle" }).first();
    await hover.waitFor({ timeout: UI_TIMEOUT_MS });
    const hoverText = await hover.innerText();
    assert.match(hoverText, new RegExp(`${NEEDLE_ANSWER} · confidence \\d+%`));
    assert.match(hoverText, /Evidence|The memory points at no slot/);
    console.log(`[e2e] needle hover: ${hoverText.replace(/\s+/g, " ").slice(0, 400)}`);
    await page.waitForTimeout(600); // the hover fades in
    await snapshot("needle");
    await page.mouse.move(700, 5);
    await workbench.runCommand("LongLens: Show Other Needle Candidates");
    const peek = page.locator(".peekview-widget").first();
    await peek.waitFor({ timeout: UI_TIMEOUT_MS });
    await peek.locator(".monaco-list-row").first().waitFor({ timeout: UI_TIMEOUT_MS });
    await screenshot("needle-peek");
    await page.keyboard.press("Escape");
  });

  step("the Attention Inspector draws a 2,000-token window; a token shows what it attends to; HTML stays text", 180_000, async () => {
    await workbench.openFromExplorer(`${HOSTILE}.ts`);
    await workbench.runCommand("View: Close Primary Side Bar"); // room for the panel beside the editor
    await workbench.runCommand("LongLens: Open Attention Inspector");
    const frame = await workbench.webviewFrame("canvas.grid", 120_000);
    const title = await frame.locator("h1").innerText();
    assert.ok(title.includes(HOSTILE_FILE), `title: ${title}`);
    assert.ok((await frame.locator(".strip").innerText()).includes(HOSTILE));
    assert.equal(await frame.locator("img").count(), 0, "a file's HTML became markup");
    const summary = await frame.locator(".summary").first().innerText();
    const tokens = Number(/([\d,]+) tokens/.exec(summary)![1]!.replace(/,/g, ""));
    assert.ok(tokens > 1500 && tokens <= 2000, summary);
    measured.inspectorTokens = tokens;
    Object.assign(measured, await openTimings(frame, "inspector"));

    await frame.locator("canvas.grid").focus();
    await page.keyboard.press("ArrowRight");
    await frame.locator(".timing[data-redraw-ms]").waitFor({ timeout: UI_TIMEOUT_MS });
    measured.headSwitchMs = Number(await frame.locator(".timing").getAttribute("data-redraw-ms"));
    assert.match(await frame.locator("#head-title").innerText(), /Layer 3, head 1/);

    // An early token: it and what it attends to are on lines the editor shows, so their decorations render.
    const token = frame.locator(".token", { hasText: "import" }).nth(1);
    const index = await token.getAttribute("data-index");
    await token.click();
    await frame.locator("ol.attended li").first().waitFor({ timeout: 60_000 });
    assert.match(await frame.locator("#attended-title").innerText(), new RegExp(`^Token ${index} `));
    await workbench.editorDecorations().first().waitFor({ state: "attached", timeout: UI_TIMEOUT_MS });
    await page.mouse.move(20, 600); // an empty spot: no tooltip over the screenshots
    await frame.evaluate("document.querySelector('.tokens').scrollIntoView()");
    await snapshot("inspector-tokens");
    await frame.evaluate("window.scrollTo(0, 0)");
    await snapshot("inspector");

    // Exports go through the save dialog (code-server's own, a quick input holding the proposed path).
    for (const format of ["json", "png"] as const) {
      await frame.locator("button", { hasText: `Export ${format.toUpperCase()}` }).click();
      const input = workbench.quickInput.locator("input.input");
      await input.waitFor({ timeout: UI_TIMEOUT_MS });
      await page.waitForTimeout(500); // the dialog fills in the proposed path
      await page.keyboard.press("Enter");
      const saved = await frame.locator(".status", { hasText: new RegExp(`^Saved .*\\.${format}$`) }).innerText({ timeout: UI_TIMEOUT_MS });
      const file = path.join(workspace, saved.replace(/^Saved /, ""));
      const bytes = await readFile(file);
      if (format === "png") assert.equal(bytes.subarray(1, 4).toString(), "PNG");
      else assert.equal(JSON.parse(bytes.toString()).result.tokens.length, tokens);
      await rm(file);
    }

    await frame.locator("label[for=variant-rope]").click();
    await frame.locator(".summary", { hasText: "β 1.000" }).waitFor({ timeout: 60_000 });
    assert.ok(await frame.locator("#variant-rope").isChecked());
    // Opened again with the graphs loaded: what a user sees from the second time on.
    await workbench.runCommand("LongLens: Open Attention Inspector");
    await frame.locator(".timing[data-open-ms]").waitFor({ state: "detached", timeout: 60_000 }).catch(() => undefined);
    await frame.locator(".timing[data-open-ms]").waitFor({ timeout: 60_000 });
    Object.assign(measured, await openTimings(frame, "inspectorWarm"));
  });

  step("the inspector follows the theme: switched to high contrast, its maps are redrawn in the theme's colours", 90_000, async () => {
    const frame = await workbench.webviewFrame("canvas.grid");
    const light = await emptyCell(frame);
    assert.deepEqual(light.cell, light.background, "an empty map cell is not the editor's background");
    const current = await chooseColorTheme("Dark High Contrast");
    try {
      await frame.locator("body.vscode-high-contrast").waitFor({ state: "attached", timeout: UI_TIMEOUT_MS });
      const contrast = await emptyCell(frame);
      assert.deepEqual(contrast.cell, contrast.background, "after the switch an empty map cell is not the editor's background");
      assert.notDeepEqual(contrast.cell, light.cell, "the maps kept the light theme's colours");
    } finally {
      await chooseColorTheme(current);
    }
    await frame.locator("body.vscode-high-contrast").waitFor({ state: "detached", timeout: UI_TIMEOUT_MS });
  });

  step("Positional Folding plots REPO positions and dims the folded tokens in the editor", 120_000, async () => {
    await workbench.runCommand("LongLens: Show Positional Folding");
    const frame = await workbench.webviewFrame("canvas.plot", 90_000);
    assert.ok((await frame.locator("h1").innerText()).includes(HOSTILE_FILE));
    assert.equal(await frame.locator("img").count(), 0);
    assert.match(await frame.locator(".summary").nth(1).innerText(), /Layer 3, head 0: [\d,]+ of [\d,]+ tokens folded away in \d+ stretches/);
    const plot = frame.locator("canvas.plot");
    await plot.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    // The plot can be redrawn (replaced) just after it shows: its box is null until the new one is laid out.
    let box = await plot.boundingBox();
    for (const deadline = Date.now() + UI_TIMEOUT_MS; !box; box = await plot.boundingBox()) {
      assert.ok(Date.now() < deadline, "the folding plot never got a size");
      await page.waitForTimeout(200);
    }
    await plot.hover({ position: { x: box.width / 3, y: box.height / 2 } });
    assert.match(await frame.locator(".tip").innerText(), /^token \d+ “/);
    const before = await workbench.editorDecorations().count();
    await frame.locator("#dim").check();
    const deadline = Date.now() + UI_TIMEOUT_MS;
    while ((await workbench.editorDecorations().count()) <= before) {
      assert.ok(Date.now() < deadline, "no tokens were dimmed in the editor");
      await page.waitForTimeout(200);
    }
    await snapshot("folding");
  });

  step("after a window reload both panels come back with their content (panel serializers)", 180_000, async () => {
    await workbench.runCommand("Developer: Reload Window");
    await workbench.waitUntilReady();
    const folding = await workbench.webviewFrame("canvas.plot", 120_000);
    assert.ok((await folding.locator("h1").innerText()).includes(HOSTILE_FILE));
    // The inspector's tab is behind the folding one: bring it forward, then read it.
    await page.locator(".tabs-container .tab", { hasText: "Attention:" }).first().click();
    const inspector = await workbench.webviewFrame("canvas.grid", 120_000);
    assert.ok((await inspector.locator("h1").innerText()).includes(HOSTILE_FILE));
  });

  step("no webview ran a file's contents as script", 5_000, async () => {
    assert.deepEqual(dialogs, []);
  });

  step("no error notification was shown", 60_000, async () => {
    const errors = (await workbench.allNotifications()).filter((n) => n.isError || /error/i.test(n.text));
    assert.deepEqual(errors, [], `error notifications:\n${errors.map((n) => n.text).join("\n")}`);
  });

  step("the workspace folder gained no files (the index lives in extension storage)", 10_000, async () => {
    const expected = [...(await listFiles(fixture)), HOSTILE_FILE, NEEDLE_FILE].sort();
    assert.deepEqual(await listFiles(workspace), expected);
  });

  step("the extension host logged no error from LongLens", 10_000, async () => {
    const { files, errors } = await longLensHostErrors(logs);
    assert.ok(files > 0, `no extension host log under ${logs}`);
    assert.deepEqual(errors, [], `errors in the extension host log:\n${errors.join("\n")}`);
  });

});
