// What every end-to-end suite shares: its settings from run.sh's environment, a headless Chromium page on the
// workbench, listing a folder's files, and steps that stop the suite at the first failure with a screenshot.
import { mkdir, readdir } from "node:fs/promises";
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
