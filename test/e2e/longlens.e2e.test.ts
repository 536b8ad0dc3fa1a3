// End to end: the built extension inside a real VS Code (code-server), used through its UI from headless
// Chromium. Started by test/e2e/run.sh, which passes the server URL and the workspace copy in the environment.
import assert from "node:assert/strict";
import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { UI_TIMEOUT_MS, Workbench } from "./workbench";

const serverUrl = requiredEnv("LONGLENS_E2E_URL");
const workspace = requiredEnv("LONGLENS_E2E_WORKSPACE");
const fixture = requiredEnv("LONGLENS_E2E_FIXTURE");
const artifacts = requiredEnv("LONGLENS_E2E_ARTIFACTS");

/** The fixture's files, and the question whose answer is parseDuration (declared on line 15). */
const FIXTURE_FILES = 4;
const QUESTION = "parse a duration string like 1h30m into milliseconds";
const ANSWER_FILE = "src/duration.ts";
const ANSWER_LINE = 15;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this test through \`npm run test:e2e\``);
  return value;
}

/** Relative paths of every file under `root`, sorted. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
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
  let failed = false;

  async function screenshot(name: string): Promise<void> {
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, `${name}.png`) }).catch(() => undefined);
  }

  /** One user-visible step; after a failure the rest are skipped (they would only time out), with a screenshot. */
  function step(name: string, timeout: number, body: () => Promise<void>): void {
    it(name, { timeout }, async (t) => {
      if (failed) return t.skip("an earlier step failed");
      try {
        await body();
      } catch (error) {
        failed = true;
        await screenshot(`failed-${name.replace(/\W+/g, "-")}`);
        throw error;
      }
    });
  }

  before(async () => {
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    workbench = new Workbench(page);
    await page.goto(`${serverUrl}/?folder=${encodeURIComponent(workspace)}`);
  });

  after(async () => {
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
    const statusText = await workbench.statusBarItem("LongLens:").innerText();
    assert.match(statusText, new RegExp(`LongLens: ${FIXTURE_FILES} files`));
  });

  step("Ask the Codebase lists the answer and opens it", 90_000, async () => {
    await workbench.runCommand("LongLens: Ask the Codebase");
    await workbench.answerInputBox("Ask the codebase", QUESTION);
    await workbench.quickInputRow(0).filter({ hasText: /:\d+/ }).waitFor({ timeout: 60_000 });
    const labels: string[] = [];
    for (let index = 0; index < 3 && (await workbench.quickInputRow(index).count()) > 0; index++) {
      labels.push((await workbench.quickInputRow(index).getAttribute("aria-label")) ?? "");
    }
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

  step("a command that arrives with the model says so", 60_000, async () => {
    await workbench.runCommand("LongLens: Show Positional Folding");
    await workbench.waitForNotification(/LongLens model/i, UI_TIMEOUT_MS);
  });

  step("no error notification was shown", 60_000, async () => {
    const errors = (await workbench.allNotifications()).filter((n) => n.isError || /error/i.test(n.text));
    assert.deepEqual(errors, [], `error notifications:\n${errors.map((n) => n.text).join("\n")}`);
  });

  step("the workspace folder gained no files (the index lives in extension storage)", 10_000, async () => {
    assert.deepEqual(await listFiles(workspace), await listFiles(fixture));
  });
});
