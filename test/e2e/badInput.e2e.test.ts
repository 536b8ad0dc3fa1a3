// End to end, the bad input, in a code-server of its own whose copy of the extension lacks a model file:
// commands with no folder open, Ask as soon as a folder opens, and the inspector on an empty file, on a
// file with a NUL byte and without its model. Each is a clear message; the extension host logs no error.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { cp, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe } from "node:test";
import type { Browser, Page } from "playwright-core";
import { longLensHostErrors, openWorkbench, requiredEnv, startCodeServer, steps, stopCodeServer } from "./suite";
import { UI_TIMEOUT_MS, type Workbench } from "./workbench";

const codeServer = requiredEnv("LONGLENS_E2E_CODE_SERVER");
const sharedExtensions = requiredEnv("LONGLENS_E2E_EXTENSIONS");
const fixture = requiredEnv("LONGLENS_E2E_FIXTURE");
const artifacts = requiredEnv("LONGLENS_E2E_ARTIFACTS");

/** The graph the copy of the extension goes without: the inspector and the memory pass need it. */
const MISSING_MODEL = "longlens.pre.onnx";
const QUESTION = "parse a duration string like 1h30m into milliseconds";

describe("LongLens on bad input (code-server of its own, a model file missing)", { timeout: 300_000 }, () => {
  let work: string;
  let workspace: string;
  let server: ChildProcess | undefined;
  let logs: string;
  let url: string;
  let browser: Browser;
  let page: Page;
  let workbench: Workbench;

  const step = steps(artifacts, "bad-input-", () => page);

  /**
   * Opens `file` and the inspector on it; the panel's error message (its whole content), once it matches
   * `expected`. The extension host learns of the new active editor a moment after its tab shows (under load, after
   * the command has already said "Open a file first"), so the command is run again while the panel says otherwise.
   */
  async function inspectorSays(file: string, expected: RegExp): Promise<void> {
    await workbench.openFromExplorer(file);
    for (let attempt = 1; ; attempt++) {
      await workbench.runCommand("LongLens: Open Attention Inspector");
      const frame = await workbench.webviewFrame("#app p.message.error", 90_000);
      const said = frame.locator("#app p.message.error", { hasText: expected });
      try {
        await said.waitFor({ timeout: 15_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "longlens-e2e-bad-input-"));
    const extensions = path.join(work, "extensions");
    await cp(sharedExtensions, extensions, { recursive: true });
    const longlens = (await readdir(extensions)).find((name) => name.startsWith("longlens.longlens-"));
    assert.ok(longlens, `no LongLens extension in ${sharedExtensions}`);
    await rm(path.join(extensions, longlens, "models", MISSING_MODEL));
    workspace = path.join(work, "workspace");
    await cp(fixture, workspace, { recursive: true });
    await writeFile(path.join(workspace, "empty.ts"), "");
    // Text that VS Code opens as text (no NUL near the start), with a NUL byte further in.
    await writeFile(path.join(workspace, "nul.ts"), `${"export const a = 1;\n".repeat(400)}const b = "\0";\n`);
    await writeFile(path.join(workspace, "plain.ts"), "export function double(value: number): number {\n  return value * 2;\n}\n");
    ({ server, url, logs } = await startCodeServer({ codeServer, extensions, work, trust: false }));
    ({ browser, page, workbench } = await openWorkbench(`${url}/?ew=true`));
  });

  after(async () => {
    await browser?.close();
    stopCodeServer(server);
    if (work) await rm(work, { recursive: true, force: true });
  });

  step("with no folder open, Index Workspace and Ask say to open one", 120_000, async () => {
    await workbench.waitUntilReady();
    for (const command of ["LongLens: Index Workspace", "LongLens: Ask the Codebase"]) {
      await workbench.runCommand(command);
      const message = await workbench.waitForNotification("Open a folder first");
      assert.match(message, /LongLens: Open a folder first: LongLens indexes the folders of the workspace\./);
      await page.keyboard.press("Escape");
    }
  });

  step("a folder just opened: Ask at once, while its first index may still run, answers with the hits", 150_000, async () => {
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await workbench.waitUntilReady();
    const status = workbench.statusBarItem("LongLens:");
    console.log(`[e2e] status bar when asked: ${(await status.count()) > 0 ? await status.innerText() : "(not shown yet)"}`);
    const hits = await workbench.askTopHits(QUESTION, 1);
    assert.match(hits[0] ?? "", /^src\/duration\.ts:\d+/, `first hit: ${hits[0]}`);
    await page.keyboard.press("Escape");
  });

  step("the inspector says why it shows nothing: an empty file, a NUL byte, a model file missing", 180_000, async () => {
    await inspectorSays("empty.ts", /^empty\.ts is empty; there is nothing to inspect\.$/);
    await inspectorSays("nul.ts", /^nul\.ts is a binary file; inspect works on text\.$/);
    await inspectorSays("plain.ts", new RegExp(`^Cannot load the model graph \\S*${MISSING_MODEL.replace(/\./g, "\\.")}: `));
  });

  step("the status bar says the folder has no memory (keyword search only)", UI_TIMEOUT_MS, async () => {
    await workbench.statusBarItem("LongLens:").hover();
    await page.locator(".monaco-hover", { hasText: "has no memory" }).first().waitFor({ timeout: UI_TIMEOUT_MS });
  });

  step("the extension host logged no error from LongLens", 10_000, async () => {
    const { files, errors } = await longLensHostErrors(logs);
    assert.ok(files > 0, `no extension host log under ${logs}`);
    assert.deepEqual(errors, [], `errors in the extension host log:\n${errors.join("\n")}`);
  });
});
