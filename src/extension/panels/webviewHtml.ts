// The page every LongLens webview loads: one bundled script and stylesheet from media/dist, a fresh nonce
// per render, and a CSP that allows nothing else (no inline script, no remote anything).
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";

/** The only folder a webview may load from: what esbuild wrote. */
function distRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, "media", "dist");
}

/** The options a panel is created with, and restored with after a reload. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [distRoot(extensionUri)] };
}

/** `entry` is a media/src file name without extension ("inspector", "folding", "hits"). */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, entry: string, title: string): string {
  const nonce = randomBytes(16).toString("base64");
  const asset = (ext: string) => webview.asWebviewUri(vscode.Uri.joinPath(distRoot(extensionUri), `${entry}.${ext}`)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset("css")}">
<title>${title}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="message">Loading…</p></main>
<script nonce="${nonce}" src="${asset("js")}"></script>
</body>
</html>`;
}
