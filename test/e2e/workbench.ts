// Drives VS Code's workbench (as served by code-server) the way a user does: palette, quick input,
// notifications, status bar, editor tabs. Selectors are VS Code's own DOM classes (1.100).
import type { Frame, Locator, Page } from "playwright-core";

/** Generous but bounded: the machine running this is slow and shared. */
export const UI_TIMEOUT_MS = 30_000;

export interface Notification {
  text: string;
  /** Shown with the error icon (showErrorMessage), whatever its words. */
  isError: boolean;
}

export class Workbench {
  constructor(readonly page: Page) {}

  async waitUntilReady(): Promise<void> {
    await this.page.locator(".monaco-workbench").waitFor({ timeout: 90_000 });
    // The status bar is drawn last; once it shows, the palette and keybindings respond.
    await this.page.locator("#workbench\\.parts\\.statusbar").waitFor({ timeout: UI_TIMEOUT_MS });
  }

  get quickInput(): Locator {
    return this.page.locator(".quick-input-widget");
  }

  get quickInputRows(): Locator {
    return this.quickInput.locator(".quick-input-list .monaco-list-row");
  }

  /** The quick input's row at `index` in list order (the DOM order of a virtual list is not the visual one). */
  quickInputRow(index: number): Locator {
    return this.quickInput.locator(`.quick-input-list .monaco-list-row[data-index="${index}"]`);
  }

  /** Runs a command by its palette title, e.g. "LongLens: Index Workspace". */
  async runCommand(title: string): Promise<void> {
    // The palette lists the commands known when it opens; an extension's commands register a little after
    // the workbench appears, so reopen it until the command shows up.
    const deadline = Date.now() + 2 * UI_TIMEOUT_MS;
    for (;;) {
      await this.page.keyboard.press("F1");
      const input = this.quickInput.locator("input.input");
      await input.waitFor({ timeout: UI_TIMEOUT_MS });
      await input.fill(`>${title}`);
      const row = this.quickInputRows.filter({ hasText: title }).first();
      try {
        await row.waitFor({ timeout: 3_000 });
        await row.click();
        return;
      } catch (error) {
        await this.page.keyboard.press("Escape");
        if (Date.now() > deadline) throw error;
      }
    }
  }

  /** Answers an input box (showInputBox) whose prompt contains `prompt`. */
  async answerInputBox(prompt: string, answer: string): Promise<void> {
    await this.quickInput.locator(".quick-input-message", { hasText: prompt }).waitFor({ timeout: UI_TIMEOUT_MS });
    await this.quickInput.locator("input.input").fill(answer);
    await this.page.keyboard.press("Enter");
  }

  /** Runs Ask the Codebase with `question`; the aria-labels of its first `count` hits ("src/a.ts:15, lines 15-27 · ..."). */
  async askTopHits(question: string, count: number): Promise<string[]> {
    await this.runCommand("LongLens: Ask the Codebase");
    await this.answerInputBox("Ask the codebase", question);
    await this.quickInputRow(0).filter({ hasText: /:\d+/ }).waitFor({ timeout: 60_000 });
    const labels: string[] = [];
    for (let index = 0; index < count && (await this.quickInputRow(index).count()) > 0; index++) {
      labels.push((await this.quickInputRow(index).getAttribute("aria-label")) ?? "");
    }
    return labels;
  }

  /** The notification toast showing `text`, once it appears. */
  async waitForNotification(text: string | RegExp, timeout = UI_TIMEOUT_MS): Promise<string> {
    const toast = this.page.locator(".notification-toast", { hasText: text }).first();
    await toast.waitFor({ timeout });
    return (await toast.innerText()).trim();
  }

  /** Every notification not dismissed yet, as listed in the notification center. */
  async allNotifications(): Promise<Notification[]> {
    await this.runCommand("Notifications: Show Notifications");
    const center = this.page.locator(".notifications-center");
    await center.waitFor({ timeout: UI_TIMEOUT_MS });
    const notifications: Notification[] = [];
    for (const item of await center.locator(".notification-list-item").all()) {
      const text = (await item.innerText()).trim();
      notifications.push({ text, isError: (await item.locator(".codicon-error").count()) > 0 });
    }
    await this.page.keyboard.press("Escape");
    return notifications;
  }

  /** The status bar entry containing `text`. */
  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator("#workbench\\.parts\\.statusbar .statusbar-item", { hasText: text }).first();
  }

  /** Waits until the active editor tab is the file named `fileName`. */
  async waitForActiveTab(fileName: string): Promise<void> {
    await this.page.locator(".tabs-container .tab.active", { hasText: fileName }).waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** Waits until the cursor is on a line in [first, last] (1-based, read from the status bar's "Ln 12, Col 1"). */
  async waitForCursorWithin(first: number, last: number): Promise<void> {
    const item = this.page.locator("#status\\.editor\\.selection");
    const deadline = Date.now() + UI_TIMEOUT_MS;
    let text = "";
    while (Date.now() < deadline) {
      text = (await item.isVisible()) ? await item.innerText() : "";
      const line = Number(/Ln (\d+)/.exec(text)?.[1]);
      if (first <= line && line <= last) return;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`the cursor did not reach lines ${first}-${last}; status bar shows "${text}"`);
  }

  /** Opens a file shown in the Explorer by clicking it (keys typed while a webview has focus go to the webview). */
  async openFromExplorer(fileName: string): Promise<void> {
    await this.page.locator(".explorer-folders-view .monaco-list-row", { hasText: fileName }).first().click();
    await this.waitForActiveTab(fileName);
  }

  /**
   * The frame of a webview whose document has `selector` (webview content lives in nested iframes, and
   * VS Code keeps hidden webviews' frames around, so the first frame with a match wins).
   */
  async webviewFrame(selector: string, timeout = UI_TIMEOUT_MS): Promise<Frame> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(`no webview shows ${selector}`);
  }

  /** Decorations a LongLens panel put in the editor (VS Code names their classes after the decoration type). */
  editorDecorations(): Locator {
    return this.page.locator('.monaco-editor [class*="TextEditorDecorationType"]');
  }

  /**
   * The text of every after-line decoration in the editors: extensions' `after.contentText` is drawn by a CSS
   * ::after rule on an empty span, so it is read from the computed style, not from the DOM's text.
   */
  afterDecorationTexts(): Promise<string[]> {
    // A string: this project's Node-only type-check has no DOM types; the page has the DOM.
    return this.page.evaluate<string[]>(`[...document.querySelectorAll('.monaco-editor .view-line [class*="TextEditorDecorationType"]')]
      .map((element) => getComputedStyle(element, "::after").content)
      .filter((content) => content !== "none" && content !== "normal" && content !== "")
      .map((content) => content.replace(/^"|"$/g, ""))`);
  }

  /** Polls the status bar entry containing `text` until `done` holds for its text; returns every text it showed. */
  async watchStatusBarItem(text: string | RegExp, done: (shown: string) => boolean, timeout = UI_TIMEOUT_MS): Promise<string[]> {
    const seen: string[] = [];
    const deadline = Date.now() + timeout;
    for (;;) {
      const shown = (await this.statusBarItem(text).innerText().catch(() => "")).trim();
      if (shown && seen.at(-1) !== shown) seen.push(shown);
      if (done(shown)) return seen;
      if (Date.now() > deadline) throw new Error(`the status bar never showed what was awaited; it showed:\n${seen.join("\n")}`);
      await this.page.waitForTimeout(100);
    }
  }

  /** The middle of `text` where an editor line shows it (to hover exactly there), or undefined. */
  textPosition(text: string): Promise<{ x: number; y: number } | undefined> {
    return this.page.evaluate<{ x: number; y: number } | undefined>(`(() => {
      const wanted = ${JSON.stringify(text)};
      for (const span of document.querySelectorAll(".monaco-editor .view-line span span")) {
        const node = span.firstChild;
        const at = node?.textContent?.indexOf(wanted) ?? -1;
        if (!node || at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + wanted.length);
        const box = range.getBoundingClientRect();
        return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      }
      return undefined;
    })()`);
  }
}
