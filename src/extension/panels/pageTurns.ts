// LongLens's webviews get their pages one at a time, and a page that never starts is set again. VS Code for the
// web (code-server 4.100, vscode.dev) starts every webview through one service worker: two pages set at the same
// moment (both panels restored after a reload) could leave one at its static "Loading…" for good (its script
// never ran), and in the e2e runs one still did now and then with the pages set in turn.
import * as vscode from "vscode";
import { webviewHtml } from "./webviewHtml";

/** How long a page waits for the one set before it to start before it is set anyway. */
const TURN_MS = 5_000;
/** A page that has sent nothing this long after it was set is set again, this many times at most. */
const RESTART_MS = 10_000;
const RESTARTS = 2;

let lastTurn: Promise<unknown> = Promise.resolve();

/**
 * Sets the webview's page (webviewHtml's arguments) once the page set before it has started, i.e. sent its first
 * message, or after TURN_MS. Returns what to call when this page sends a message.
 */
export function setPageInTurn(webview: vscode.Webview, extensionUri: vscode.Uri, entry: string, title: string): () => void {
  let started = false;
  let markStarted!: () => void;
  const running = new Promise<void>((resolve) => (markStarted = resolve));
  const turn = lastTurn;
  lastTurn = turn.then(() => Promise.race([running, new Promise((resolve) => setTimeout(resolve, TURN_MS))]));
  const setPage = (restarts: number): void => {
    try {
      webview.html = webviewHtml(webview, extensionUri, entry, title);
    } catch {
      markStarted(); // closed while it waited: nothing to start, and the next page need not wait for it
      return;
    }
    if (restarts > 0) setTimeout(() => started || setPage(restarts - 1), RESTART_MS);
  };
  void turn.then(() => setPage(RESTARTS));
  return () => {
    started = true;
    markStarted();
  };
}
