// The menu behind the status bar item: re-index, cancel, pause or resume automatic indexing, clear, open
// the inspector. Each entry runs the command of the same name, so the palette offers the same actions.
import * as vscode from "vscode";
import { PAUSED_KEY } from "./autoIndex";
import { registerCommand } from "./registerCommand";
import type { Services } from "./services";

interface Entry extends vscode.QuickPickItem {
  command: string;
}

export function registerStatusMenu(context: vscode.ExtensionContext, { output, indexer, statusBar }: Services): void {
  registerCommand(context, output, "longlens.statusMenu", async () => {
    const paused = context.workspaceState.get<boolean>(PAUSED_KEY, false);
    const entries: Entry[] = [
      indexer.busy
        ? { label: "$(debug-stop) Cancel Indexing", description: "the previous index is kept", command: "longlens.cancelIndexing" }
        : { label: "$(refresh) Re-index", description: "reads only what changed", command: "longlens.indexWorkspace" },
      paused
        ? { label: "$(debug-start) Resume Automatic Indexing", command: "longlens.resumeAutoIndex" }
        : { label: "$(debug-pause) Pause Automatic Indexing", description: "until you resume it, in this workspace", command: "longlens.pauseAutoIndex" },
      { label: "$(trash) Clear Index", command: "longlens.clearIndex" },
      { label: "$(eye) Open Attention Inspector", description: "on the selection or the lines around the cursor", command: "longlens.openInspector" },
      { label: "$(output) Show LongLens Output", command: "longlens.showOutput" },
    ];
    if (!vscode.workspace.isTrusted) {
      entries.splice(1, 0, { label: "$(workspace-untrusted) Manage Workspace Trust", description: "automatic indexing waits for trust", command: "workbench.trust.manage" });
    }
    const picked = await vscode.window.showQuickPick(entries, { title: `LongLens: ${statusBar.summary} (${statusBar.current})` });
    if (picked) await vscode.commands.executeCommand(picked.command);
  });
  registerCommand(context, output, "longlens.cancelIndexing", () => indexer.cancel());
  registerCommand(context, output, "longlens.showOutput", async () => output.show());
}
