// End to end, an untrusted workspace (restricted mode) in a code-server of its own with workspace trust on (the
// shared one runs with trust off): nothing is indexed by itself, Index Workspace still works when asked, and the
// folder's own settings cannot choose where the index is written (longlens.storeLocation) nor let a link lead
// out of it (longlens.allowedOutsideRoots). Started by test/e2e/run.sh, which passes the binary and extensions.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe } from "node:test";
import type { Browser, Page } from "playwright-core";
import { listFiles, openWorkbench, requiredEnv, startCodeServer, steps, stopCodeServer } from "./suite";
import type { Workbench } from "./workbench";

const codeServer = requiredEnv("LONGLENS_E2E_CODE_SERVER");
const extensions = requiredEnv("LONGLENS_E2E_EXTENSIONS");
const fixture = requiredEnv("LONGLENS_E2E_FIXTURE");
const artifacts = requiredEnv("LONGLENS_E2E_ARTIFACTS");

/** What the folder's own settings ask for, which restricted mode must ignore. */
const STORE_LOCATION = ".longlens-index";
const OUTSIDE_LINK = "shared-link";

describe("LongLens in an untrusted workspace (restricted mode, code-server)", { timeout: 300_000 }, () => {
  let work: string;
  let workspace: string;
  let server: ChildProcess | undefined;
  let browser: Browser;
  let page: Page;
  let workbench: Workbench;
  let files: string[] = [];

  const step = steps(artifacts, "restricted-", () => page);

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "longlens-e2e-restricted-"));
    workspace = path.join(work, "workspace");
    await cp(fixture, workspace, { recursive: true });
    const outside = path.join(work, "outside");
    await mkdir(outside);
    await writeFile(path.join(outside, "shared.ts"), "export const shared = 1;\n");
    await symlink(outside, path.join(workspace, OUTSIDE_LINK));
    await mkdir(path.join(workspace, ".vscode"));
    await writeFile(path.join(workspace, ".vscode", "settings.json"), JSON.stringify({ "longlens.storeLocation": STORE_LOCATION, "longlens.allowedOutsideRoots": [outside] }));
    files = await listFiles(workspace);
    let url: string;
    ({ server, url } = await startCodeServer({ codeServer, extensions, work, workspace, trust: true }));
    ({ browser, page, workbench } = await openWorkbench(`${url}/?folder=${encodeURIComponent(workspace)}`));
  });

  after(async () => {
    await browser?.close();
    stopCodeServer(server);
    if (work) await rm(work, { recursive: true, force: true });
  });

  step("the window opens in restricted mode and LongLens indexes nothing by itself", 120_000, async () => {
    await workbench.waitUntilReady();
    // Long enough for the startup index a trusted window starts at once (the shared suite sees it within seconds).
    const shown = await workbench.watchStatusBarItem("LongLens:", () => false, 15_000).catch((error: Error) => error.message);
    const texts = typeof shown === "string" ? shown.split("\n").slice(1) : shown;
    assert.ok(texts.length > 0 && texts.every((text) => text === "LongLens: not indexed yet (restricted)"), `the status bar showed:\n${texts.join("\n")}`);
  });

  step("Index Workspace still indexes when asked, ignoring the folder's allowedOutsideRoots", 150_000, async () => {
    await workbench.runCommand("LongLens: Index Workspace");
    const message = await workbench.waitForNotification("LongLens indexed", 120_000);
    assert.match(message, /\(restricted mode: automatic indexing stays off until you trust this workspace\)/);
    const warning = await workbench.waitForNotification("LongLens indexed workspace:");
    assert.match(warning, /1 link leading out of the folder skipped/);
  });

  step("the folder's storeLocation is ignored: the folder gained no files", 10_000, async () => {
    assert.deepEqual(await listFiles(workspace), files);
    const settings = JSON.parse(await readFile(path.join(workspace, ".vscode", "settings.json"), "utf8")) as Record<string, unknown>;
    assert.equal(settings["longlens.storeLocation"], STORE_LOCATION, "the setting was there to be ignored");
  });
});
