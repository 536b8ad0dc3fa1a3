// Commands whose views need the LongLens model; until it ships they say so plainly.
import * as vscode from "vscode";
import { registerCommand } from "./registerCommand";
import type { Services } from "./services";

const arrivingWithModel: Record<string, string> = {
  "longlens.openInspector": "The Attention Inspector arrives with the LongLens model, which is not shipped yet.",
  "longlens.showFolding": "Positional Folding arrives with the LongLens model, which is not shipped yet.",
};

export function registerModelCommands(context: vscode.ExtensionContext, { output }: Services): void {
  for (const [id, message] of Object.entries(arrivingWithModel)) {
    registerCommand(context, output, id, async () => {
      void vscode.window.showInformationMessage(`LongLens: ${message}`);
    });
  }
}
