// "LongLens: Index Workspace": (re)indexes every folder of the window; returns the results.
import type * as vscode from "vscode";
import { registerCommand } from "./registerCommand";
import type { Services } from "./services";

export function registerIndexCommand(context: vscode.ExtensionContext, { output, workspaces, indexer }: Services): void {
  registerCommand(context, output, "longlens.indexWorkspace", async () => indexer.index(await workspaces.all(), { interactive: true }));
}
