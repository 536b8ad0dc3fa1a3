// Entry point: wires the shared pieces together, then registers one feature per file.
import * as vscode from "vscode";
import { registerAskCommand } from "./askCommand";
import { registerAutoIndex } from "./autoIndex";
import { registerChatParticipant } from "./chatParticipant";
import { registerClearCommand } from "./clearCommand";
import { FolderWorkspaces } from "./folderWorkspaces";
import { registerIndexCommand } from "./indexCommand";
import { Indexer } from "./indexer";
import { registerNeedleCommand } from "./needleCommand";
import { HitsView } from "./panels/hitsView";
import { registerPanels } from "./panels/registerPanels";
import { IndexStatusBar } from "./statusBar";
import { registerStatusMenu } from "./statusMenu";

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("LongLens");
  const statusBar = new IndexStatusBar();
  const workspaces = new FolderWorkspaces(context);
  context.subscriptions.push(output, statusBar, workspaces);
  const hits = new HitsView(context.extensionUri, output, workspaces);
  const services = { output, workspaces, indexer: new Indexer(output, statusBar), statusBar, hits };

  registerIndexCommand(context, services);
  registerAskCommand(context, services);
  registerNeedleCommand(context, services);
  registerPanels(context, services);
  registerClearCommand(context, services);
  registerStatusMenu(context, services);
  registerChatParticipant(context, services);
  registerAutoIndex(context, services);
}

export function deactivate(): void {}
