// What the LongLens panels share, created once when the extension activates.
import type * as vscode from "vscode";
import type { Inspector } from "../../engine";
import type { TokenDecorations } from "./tokenDecorations";

export interface PanelDeps {
  extensionUri: vscode.Uri;
  output: vscode.OutputChannel;
  /** The engine's inspector: its graphs stay loaded while the extension runs. */
  inspector: Inspector;
  decorations: TokenDecorations;
}
