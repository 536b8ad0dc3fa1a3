// "LongLens: Clear Index": deletes the stores of every folder of the window.
import * as vscode from "vscode";
import { registerCommand } from "./registerCommand";
import type { Services } from "./services";

export function registerClearCommand(context: vscode.ExtensionContext, { output, workspaces, indexer, statusBar }: Services): void {
  registerCommand(context, output, "longlens.clearIndex", async () => {
    const all = await workspaces.all();
    await indexer.cancel(); // a run finishing after the clear would write the store back
    for (const { workspace } of all) await workspace.clear();
    workspaces.closeAll();
    statusBar.cleared();
    void vscode.window.showInformationMessage(`LongLens: cleared the index of ${all.length === 1 ? "this folder" : `${all.length} folders`}.`);
  });
}
