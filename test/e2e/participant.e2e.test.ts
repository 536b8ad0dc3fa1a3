// End to end, @longlens in VS Code's chat view: /ask lists the hits as links and references and a language model's
// short answer from them; /needle gives the value with its place. code-server has no default chat agent and no
// language model, so run.sh installs stand-ins (test/e2e/chatHost): an agent that turns the chat view on, and a
// model with a fixed reply. Every reply read here is LongLens's. Started by test/e2e/run.sh.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import { openWorkbench, requiredEnv, steps } from "./suite";
import { UI_TIMEOUT_MS, type Workbench } from "./workbench";

const serverUrl = requiredEnv("LONGLENS_E2E_URL");
const workspace = requiredEnv("LONGLENS_E2E_WORKSPACE");
const artifacts = requiredEnv("LONGLENS_E2E_ARTIFACTS");

/** The fixture's answer to the question (see longlens.e2e.test.ts). */
const QUESTION = "parse a duration string like 1h30m into milliseconds";
const ANSWER_FILE = "src/duration.ts";
const ANSWER_LINE = 15;
/** A needle of this suite's own, written before the window opens (so the startup index reads it). */
const NEEDLE_FILE = "src/lanterns.ts";
const NEEDLE_TEXT = "// Lantern settings.\n// One of the special magic numbers for quiet-lantern is: 5523017.\nexport const LANTERNS = 3;\n";
const NEEDLE_QUESTION = "what is the special magic number for the quiet lantern?";
const NEEDLE_ANSWER = "5523017";

describe("@longlens in the chat view (code-server)", { timeout: 300_000 }, () => {
  let browser: Browser;
  let page: Page;
  let workbench: Workbench;

  const step = steps(artifacts, "chat-", () => page);

  /** Sends `prompt` from the chat input; returns the reply once it shows `done` and is complete (it streams in parts). */
  async function send(prompt: string, done: RegExp): Promise<Locator> {
    const replies = page.locator(".interactive-item-container.interactive-response");
    const before = await replies.count();
    await page.locator(".interactive-input-part .monaco-editor textarea").first().focus();
    await page.keyboard.type(prompt);
    await page.keyboard.press("Enter");
    const reply = replies.nth(before);
    await reply.filter({ hasText: done }).waitFor({ timeout: 150_000 });
    // Then until it stops growing: the parts after `done` are still streaming in.
    for (let previous = ""; ; ) {
      const text = await reply.innerText();
      if (text === previous) return reply;
      previous = text;
      await page.waitForTimeout(750);
    }
  }

  /** A reply's text with the no-break spaces VS Code renders its Markdown text with made plain. */
  async function replyText(reply: Locator): Promise<string> {
    return (await reply.innerText()).replace(/\u00a0/g, " ");
  }

  /** The anchors in a reply: where each points (file path and line) as VS Code renders them. */
  async function anchors(reply: Locator): Promise<{ file: string; line: number }[]> {
    const hrefs = await reply.locator("a.chat-inline-anchor-widget").evaluateAll((links) => links.map((a) => a.getAttribute("data-href") ?? ""));
    return hrefs.map((href) => {
      const url = new URL(href);
      return { file: path.relative(workspace, decodeURIComponent(url.pathname)), line: Number(decodeURIComponent(url.hash.slice(1)).split(",")[0]) };
    });
  }

  before(async () => {
    await writeFile(path.join(workspace, NEEDLE_FILE), NEEDLE_TEXT);
    ({ browser, page, workbench } = await openWorkbench(`${serverUrl}/?folder=${encodeURIComponent(workspace)}`));
  });

  after(async () => {
    await browser?.close();
  });

  step("the chat view opens (the stand-in default agent turns it on)", 120_000, async () => {
    await workbench.waitUntilReady();
    // View: Chat's own keybinding; the view exists once the stand-in agent has started, a little after the window.
    const input = page.locator(".interactive-input-part").first();
    const deadline = Date.now() + 2 * UI_TIMEOUT_MS;
    while (!(await input.isVisible())) {
      assert.ok(Date.now() < deadline, "the chat view did not open");
      await page.keyboard.press("Control+Alt+KeyI");
      await input.waitFor({ timeout: 3_000 }).catch(() => undefined);
    }
  });

  step("@longlens /ask lists the hits as links and references, then the model's answer from the hits it cites", 180_000, async () => {
    const reply = await send(`@longlens /ask ${QUESTION}`, /Hits\sused:|No\scomposed\sanswer/);
    const text = await replyText(reply);
    const links = await anchors(reply);
    assert.ok(links.some((l) => l.file === ANSWER_FILE && l.line <= ANSWER_LINE), `no link to ${ANSWER_FILE} at or before line ${ANSWER_LINE}:\n${text}`);
    const references = Number(/Used (\d+) references?/.exec(await reply.locator(".chat-used-context-label").innerText())?.[1]);
    assert.equal(references, links.length, "each hit is also a reference");
    // The stand-in model counts the excerpts LongLens sent (the top 6 hits at most) and cites the first.
    const excerpts = Math.min(links.length, 6);
    assert.match(text, new RegExp(`Answer \\(E2E stand-in model, from the hits only\\):\\s+The stand-in read ${excerpts} excerpts; the first answers it \\[1\\]\\.\\s+Hits used: 1\\.`));
    await page.screenshot({ path: path.join(artifacts, "chat-ask.png") });
    await reply.locator("a.chat-inline-anchor-widget").first().click();
    await workbench.waitForActiveTab(path.basename(links[0]!.file));
  });

  step("@longlens /needle gives the value with its confidence and place, as a link and a reference", 180_000, async () => {
    const reply = await send(`@longlens /needle ${NEEDLE_QUESTION}`, /confidence\s\d+%|No\sanswer/);
    const text = await replyText(reply);
    assert.match(text, new RegExp(`“${NEEDLE_ANSWER}” · confidence \\d+% · at`), text);
    const [place] = await anchors(reply);
    assert.deepEqual(place, { file: NEEDLE_FILE, line: 2 });
    assert.match(await reply.locator(".chat-used-context-label").innerText(), /Used \d+ references?/);
    await page.screenshot({ path: path.join(artifacts, "chat-needle.png") });
  });
});
