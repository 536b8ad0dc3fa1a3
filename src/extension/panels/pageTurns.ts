// LongLens's webviews get their pages one at a time. VS Code for the web (code-server 4.100, vscode.dev) starts
// every webview through one service worker, and two pages set at the same moment (both panels restored after a
// reload) can leave one blank for good: its frame waits for a worker change that never comes. Before the
// inspector ran on its own thread, its model run held the extension host and so kept the two apart by chance.
import * as vscode from "vscode";
import { webviewHtml } from "./webviewHtml";

/** How long a page waits for the one set before it to start before it is set anyway. */
const TURN_MS = 5_000;

let lastTurn: Promise<unknown> = Promise.resolve();

/**
 * Sets the webview's page (webviewHtml's arguments) once the page set before it has started, i.e. sent its first
 * message, or after TURN_MS. Returns what to call when this page sends its own first message.
 */
export function setPageInTurn(webview: vscode.Webview, extensionUri: vscode.Uri, entry: string, title: string): () => void {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const turn = lastTurn;
  lastTurn = turn.then(() => Promise.race([running, new Promise((resolve) => setTimeout(resolve, TURN_MS))]));
  void turn.then(() => {
    try {
      webview.html = webviewHtml(webview, extensionUri, entry, title);
    } catch {
      started(); // closed while it waited: the next page need not wait for it
    }
  });
  return started;
}
