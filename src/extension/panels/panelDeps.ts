// What the LongLens panels share, created once when the extension activates.
import type * as vscode from "vscode";
import type { InspectorThread } from "../../engine";
import type { FolderWorkspaces } from "../folderWorkspaces";
import type { HitsView } from "./hitsView";
import type { TokenDecorations } from "./tokenDecorations";

export interface PanelDeps {
  extensionUri: vscode.Uri;
  output: vscode.OutputChannel;
  /** The engine's inspector, on its own thread: its graphs stay loaded while the extension runs. */
  inspector: InspectorThread;
  decorations: TokenDecorations;
  /** Whose memory the panels read: the folder of the document shown. */
  workspaces: FolderWorkspaces;
  /** The Hits view, which knows the last question asked. */
  hits: HitsView;
}
