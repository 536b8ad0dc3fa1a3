// End to end: the memory view in the Hits view and the Attention Inspector, in the built extension inside
// code-server. After a question, each lists the memory slots it read with weight bars and write counts, and
// each slot's writer is a link that opens its file:line; a token picked in the inspector shows its own reads.
// Started by test/e2e/run.sh (after the main suite, on the same server and workspace copy).
import assert from "node:assert/strict";
import { access, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe } from "node:test";
import type { Browser, Frame, Page } from "playwright-core";
import { openWorkbench, requiredEnv, steps } from "./suite";
import type { Workbench } from "./workbench";

const serverUrl = requiredEnv("LONGLENS_E2E_URL");
const workspace = requiredEnv("LONGLENS_E2E_WORKSPACE");
const artifacts = requiredEnv("LONGLENS_E2E_ARTIFACTS");
const SCREENSHOTS = path.join(import.meta.dirname, "screenshots");

/**
 * A planted needle (the main suite writes the same file): the question reads slots its line wrote. (In this
 * 6-file tree not always the strongest: single slots are noisy; Find Needle sums a chunk's slots.)
 */
const NEEDLE_FILE = "src/limits.ts";
const NEEDLE_LINE = 2;
const NEEDLE_TEXT = "// Limits the scheduler enforces.\n// One of the special magic numbers for misty-harbor is: 4817263.\nexport const MAX_JOBS = 16;\n";
const QUESTION = "what is the special magic number for the misty harbor?";

/** The writer links of a frame's memory view, once it lists some; their texts ("src/limits.ts:2"). */
async function writerLinks(frame: Frame): Promise<string[]> {
  const links = frame.locator(".memory-view button.writer");
  await links.first().waitFor({ timeout: 60_000 });
  return links.allInnerTexts();
}

/** Opens a workspace file through Go to File (the main suite leaves the side bar, and so the Explorer, closed). */
async function openFile(workbench: Workbench, name: string): Promise<void> {
  await workbench.runCommand("Go to File...");
  await workbench.quickInput.locator("input.input").fill(name);
  await workbench.quickInputRows.filter({ hasText: name }).first().click();
  await workbench.waitForActiveTab(name);
}

describe("the memory view in VS Code (code-server)", { timeout: 300_000 }, () => {
  let browser: Browser;
  let page: Page;
  let workbench: Workbench;
  const step = steps(artifacts, "memory-", () => page);

  before(async () => {
    const needle = path.join(workspace, NEEDLE_FILE);
    await access(needle).catch(() => writeFile(needle, NEEDLE_TEXT));
    ({ browser, page, workbench } = await openWorkbench(`${serverUrl}/?folder=${encodeURIComponent(workspace)}`));
  });

  after(async () => {
    await mkdir(artifacts, { recursive: true });
    await page?.screenshot({ path: path.join(artifacts, "memory-final.png") }).catch(() => undefined);
    // The next suites find their folders in the Explorer: give the side bar back (the layout outlives the page).
    await workbench?.runCommand("View: Show Explorer").catch(() => undefined);
    await browser?.close();
  });

  step("the workbench loads and the workspace is indexed with its memory", 180_000, async () => {
    await workbench.waitUntilReady();
    await workbench.watchStatusBarItem("LongLens:", (text) => /· \d+ memory shards?$/.test(text), 150_000);
  });

  step("the Hits view lists the slots the question read, with bars and write counts; a writer link opens its line", 150_000, async () => {
    await workbench.runCommand("LongLens: Ask the Codebase");
    await workbench.answerInputBox("Ask the codebase", QUESTION);
    await workbench.quickInputRow(0).filter({ hasText: /:\d+/ }).waitFor({ timeout: 60_000 });
    await page.keyboard.press("Escape");
    await workbench.runCommand("LongLens: Show Hits");
    const frame = await workbench.webviewFrame("ol.hits", 60_000);
    const links = await writerLinks(frame);
    assert.ok(links.includes(`${NEEDLE_FILE}:${NEEDLE_LINE}`), `no slot read was written by the needle's line: ${links.join(", ")}`);
    const first = frame.locator(".memory-slot").first();
    assert.match(await first.locator(".score").innerText(), /^slot \d+ · weight 0\.\d{3} · \d+ writes?$/);
    assert.equal(await first.locator(".bar .fill").count(), 1);
    assert.match((await first.locator("button.writer").getAttribute("aria-label")) ?? "", /^Slot \d+, weight 0\.\d+, \d+ writes?: open \S+:\d+, where it was last written/);
    // Highlighted snippets: highlight.js's classes, as text nodes (no markup from the code).
    assert.ok((await frame.locator(".snippet .hljs-keyword, .snippet .hljs-comment").count()) > 0, "snippets are not highlighted");
    await openFile(workbench, "queue.ts"); // so that the link's opening shows
    await frame.locator(".memory-view button.writer", { hasText: `${NEEDLE_FILE}:${NEEDLE_LINE}` }).first().click();
    await workbench.waitForActiveTab(path.basename(NEEDLE_FILE));
    await workbench.waitForCursorWithin(NEEDLE_LINE, NEEDLE_LINE);
  });

  step("the inspector shows the last question's reads and a picked token's, each writer a link", 180_000, async () => {
    await workbench.runCommand("View: Close Primary Side Bar");
    await workbench.runCommand("LongLens: Open Attention Inspector");
    const frame = await workbench.webviewFrame("canvas.grid", 120_000);
    await frame.locator("button", { hasText: "Show the last question's memory reads" }).click();
    const questionLinks = await writerLinks(frame);
    assert.ok(questionLinks.includes(`${NEEDLE_FILE}:${NEEDLE_LINE}`), questionLinks.join(", "));
    assert.match(await frame.locator(".memory-view .summary").innerText(), new RegExp(`^Read by “${QUESTION.replace(/\?/g, "\\?")}” in \\d+ shards?`));

    // A token of the needle's line: its own reads replace the question's.
    const token = frame.locator(".token", { hasText: "special" }).first();
    const index = Number(await token.getAttribute("data-index"));
    await token.click();
    await frame.locator(".memory-view .summary", { hasText: `Read by token ${index} ` }).waitFor({ timeout: 60_000 });
    const tokenLinks = await writerLinks(frame);
    assert.ok(tokenLinks.includes(`${NEEDLE_FILE}:${NEEDLE_LINE}`), `token ${index} read no slot its line wrote: ${tokenLinks.join(", ")}`);
    await page.mouse.move(20, 600);
    await frame.evaluate("document.querySelector('section.memory').scrollIntoView()");
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, "memory.png") });

    // The links work from the keyboard: focus, Enter (a link to another line than the cursor's, so it must move).
    const link = frame.locator(".memory-view button.writer").filter({ hasNotText: `${NEEDLE_FILE}:${NEEDLE_LINE}` }).first();
    const [file, line] = (await link.innerText()).split(":");
    await link.focus();
    await page.keyboard.press("Enter");
    await workbench.waitForActiveTab(path.basename(file!));
    await workbench.waitForCursorWithin(Number(line), Number(line));
  });
});
