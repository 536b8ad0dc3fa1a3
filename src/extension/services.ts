// What the features share, created once in activate().
import type * as vscode from "vscode";
import type { FolderWorkspaces } from "./folderWorkspaces";
import type { Indexer } from "./indexer";
import type { HitsView } from "./panels/hitsView";
import type { IndexStatusBar } from "./statusBar";

export interface Services {
  output: vscode.OutputChannel;
  workspaces: FolderWorkspaces;
  indexer: Indexer;
  statusBar: IndexStatusBar;
  /** The Hits view: shows the last question's hits. */
  hits: HitsView;
}
