// What the features share, created once in activate().
import type * as vscode from "vscode";
import type { FolderWorkspaces } from "./folderWorkspaces";
import type { Indexer } from "./indexer";
import type { IndexStatusBar } from "./statusBar";

export interface Services {
  output: vscode.OutputChannel;
  workspaces: FolderWorkspaces;
  indexer: Indexer;
  statusBar: IndexStatusBar;
}
