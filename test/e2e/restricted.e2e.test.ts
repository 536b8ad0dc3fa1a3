// End to end, an untrusted workspace (restricted mode) in a code-server of its own with workspace trust on (the
// shared one runs with trust off): nothing is indexed by itself, Index Workspace still works when asked, and the
// folder's own settings cannot choose where the index is written (longlens.storeLocation) nor let a link lead
// out of it (longlens.allowedOutsideRoots). Started by test/e2e/run.sh, which passes the binary and extensions.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe } from "node:test";
import type { Browser, Page } from "playwright-core";
import { listFiles, openWorkbench, requiredEnv, steps } from "./suite";
import type { Workbench } from "./workbench";

const codeServer = requiredEnv("LONGLENS_E2E_CODE_SERVER");
const extensions = requiredEnv("LONGLENS_E2E_EXTENSIONS");
const fixture = requiredEnv("LONGLENS_E2E_FIXTURE");
const artifacts = requiredEnv("LONGLENS_E2E_ARTIFACTS");

/** What the folder's own settings ask for, which restricted mode must ignore. */
const STORE_LOCATION = ".longlens-index";
const OUTSIDE_LINK = "shared-link";

/** Starts code-server on a free port with workspace trust on; resolves its URL. */
async function startCodeServer(work: string, workspace: string): Promise<{ server: ChildProcess; url: string }> {
  const userData = path.join(work, "user-data");
  await mkdir(path.join(userData, "User"), { recursive: true });
  await writeFile(path.join(userData, "User", "settings.json"), JSON.stringify({
    "workbench.startupEditor": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "security.workspace.trust.enabled": true,
    // Open untrusted folders in restricted mode without the modal asking.
    "security.workspace.trust.startupPrompt": "never",
  }));
  const server = spawn(codeServer, ["--auth", "none", "--bind-addr", "127.0.0.1:0", "--config", path.join(work, "config.yaml"), "--extensions-dir", extensions,
    "--user-data-dir", userData, "--disable-telemetry", "--disable-update-check", workspace], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start:\n${log}`)), 60_000);
    const read = (data: Buffer) => {
      log += data.toString();
      const found = /HTTP server listening on (http:\/\/[\d.:]+)/.exec(log);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    server.stdout!.on("data", read);
    server.stderr!.on("data", read);
    server.once("exit", (code) => reject(new Error(`code-server exited (${code}):\n${log}`)));
  });
  return { server, url };
}

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
    ({ server, url } = await startCodeServer(work, workspace));
    ({ browser, page, workbench } = await openWorkbench(`${url}/?folder=${encodeURIComponent(workspace)}`));
  });

  after(async () => {
    await browser?.close();
    // Its own process group: this ends its extension host too.
    if (server?.pid) {
      try {
        process.kill(-server.pid);
      } catch {
        // already gone
      }
    }
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
