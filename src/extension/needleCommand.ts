// "LongLens: Find Needle": jumps to the line that best answers a question. Lexical until the
// LongLens model ships, and it says so.
import * as vscode from "vscode";
import type { NeedleResult } from "../engine/types";
import { questionForFolders, revealLines } from "./questionFlow";
import { registerCommand } from "./registerCommand";
import type { Services } from "./services";

export interface LocatedNeedle extends NeedleResult {
  uri: vscode.Uri;
}

export function registerNeedleCommand(context: vscode.ExtensionContext, services: Services): void {
  registerCommand(context, services.output, "longlens.findNeedle", async (arg) => {
    const asked = await questionForFolders(arg, "Find a needle: ask for a value, a name or a setting", services);
    if (!asked) return undefined;
    const { question, folders } = asked;
    let best: LocatedNeedle | undefined;
    for (const { folder, workspace } of folders) {
      const result = await workspace.needle(question);
      if (result.hits.length > 0 && (!best || result.confidence > best.confidence)) {
        best = { ...result, uri: vscode.Uri.joinPath(folder.uri, result.file) };
      }
    }
    if (typeof arg === "string") return best;
    if (!best) {
      void vscode.window.showInformationMessage(`LongLens: no matches for “${question}”`);
      return undefined;
    }
    await revealLines(best.uri, best.line, best.line);
    void vscode.window.showInformationMessage(
      `LongLens: best lexical match at ${vscode.workspace.asRelativePath(best.uri)}:${best.line}. ` +
        "The model-backed answer arrives with the LongLens model.",
    );
    return best;
  });
}
