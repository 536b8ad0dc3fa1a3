// What every end-to-end suite shares: its settings from run.sh's environment, a headless Chromium page on the
// workbench, listing a folder's files, and steps that stop the suite at the first failure with a screenshot.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { Workbench } from "./workbench";

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this test through \`npm run test:e2e\``);
  return value;
}

/** Relative paths of every file under `root`, sorted. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

export interface BrowserPage {
  browser: Browser;
  page: Page;
  workbench: Workbench;
}

/** Headless Chromium at `url`, in a window large enough for a panel beside the editor. */
export async function openWorkbench(url: string): Promise<BrowserPage> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  return { browser, page, workbench: new Workbench(page) };
}

/**
 * A suite's steps: each one a user-visible step; after a failure the rest are skipped (they would only time out),
 * and the failing one leaves a screenshot named after it in `artifacts`.
 */
export function steps(artifacts: string, prefix: string, page: () => Page | undefined) {
  let failed = false;
  return (name: string, timeout: number, body: () => Promise<void>): void => {
    it(name, { timeout }, async (t) => {
      if (failed) return t.skip("an earlier step failed");
      try {
        await body();
      } catch (error) {
        failed = true;
        await mkdir(artifacts, { recursive: true });
        await page()?.screenshot({ path: path.join(artifacts, `failed-${prefix}${name.replace(/\W+/g, "-")}.png`) }).catch(() => undefined);
        throw error;
      }
    });
  };
}

export interface OwnCodeServer {
  codeServer: string;
  extensions: string;
  /** A folder of the suite's own: the server's user data and config go here. */
  work: string;
  /** The folder it opens, or none (an empty window). */
  workspace?: string;
  /** Workspace trust on: an untrusted folder opens in restricted mode without the modal asking. */
  trust: boolean;
}

/** A code-server of a suite's own on a free port (the shared one runs with trust off); resolves its URL. */
export async function startCodeServer({ codeServer, extensions, work, workspace, trust }: OwnCodeServer): Promise<{ server: ChildProcess; url: string; logs: string }> {
  const userData = path.join(work, "user-data");
  await mkdir(path.join(userData, "User"), { recursive: true });
  await writeFile(path.join(userData, "User", "settings.json"), JSON.stringify({
    "workbench.startupEditor": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "security.workspace.trust.enabled": trust,
    "security.workspace.trust.startupPrompt": "never",
  }));
  const server = spawn(codeServer, ["--auth", "none", "--bind-addr", "127.0.0.1:0", "--config", path.join(work, "config.yaml"), "--extensions-dir", extensions,
    "--user-data-dir", userData, "--disable-telemetry", "--disable-update-check", ...(workspace ? [workspace] : [])], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
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
  return { server, url, logs: path.join(userData, "logs") };
}

/** Ends a suite's own code-server: its own process group, so its extension host ends too. */
export function stopCodeServer(server: ChildProcess | undefined): void {
  if (!server?.pid) return;
  try {
    process.kill(-server.pid);
  } catch {
    // already gone
  }
}

/** The extension hosts' logs under `logs`, and every error in them that names LongLens (with the stack under it). */
export async function longLensHostErrors(logs: string): Promise<{ files: number; errors: string[] }> {
  const files = (await listFiles(logs)).filter((file) => /exthost[^/]*\.log$/.test(path.basename(file)));
  const errors: string[] = [];
  for (const file of files) {
    const lines = (await readFile(path.join(logs, file), "utf8")).split("\n");
    // An error line and the stack under it: the stack names the extension's files when the error is ours.
    lines.forEach((line, i) => {
      const entry = lines.slice(i, i + 8).join("\n");
      if (/\[error\]/i.test(line) && /longlens/i.test(entry)) errors.push(entry);
    });
  }
  return { files: files.length, errors };
}
