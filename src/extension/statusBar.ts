// "$(search) LongLens: N files" once something is indexed; a click asks the codebase.
import * as vscode from "vscode";
import { formatCount } from "../shared/indexText";

export class IndexStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left);

  constructor() {
    this.item.command = "longlens.ask";
    this.item.tooltip = "LongLens: Ask the Codebase";
  }

  showIndexed(files: number): void {
    this.item.text = `$(search) LongLens: ${formatCount(files)} files`;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
