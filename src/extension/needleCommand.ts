// "LongLens: Find Needle": asks for the value a question names (the selection, else an input box), jumps to
// the model's answer and shows it inline (needleInline.ts); "no answer" is said plainly, with the engine's reason.
import * as vscode from "vscode";
import { describeError } from "../engine";
import { NeedleInline } from "./needleInline";
import { needleEvidence, needleFolders } from "./needleResults";
import { questionForFolders, revealLines } from "./questionFlow";
import { registerCommand } from "./registerCommand";
import type { Services } from "./services";

export type { LocatedNeedle } from "./needleResults";

/** "the selected text" as a question, or undefined when nothing usable is selected. */
function selectedQuestion(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return undefined;
  const text = editor.document.getText(editor.selection).trim();
  return text === "" ? undefined : text;
}

export function registerNeedleCommand(context: vscode.ExtensionContext, services: Services): void {
  const inline = new NeedleInline();
  context.subscriptions.push(inline);

  registerCommand(context, services.output, "longlens.findNeedle", async (arg) => {
    const asked = await questionForFolders(arg, "Find a needle: ask for a value, a name or a setting", services, selectedQuestion());
    if (!asked) return undefined;
    const { question, folders } = asked;
    const needle = await needleFolders(folders, question);
    // Called with a question (tests, other extensions): hand the result back, show nothing.
    if (typeof arg === "string") return needle;
    if (!needle || needle.answer === "") {
      const why = needle?.reason ?? "nothing in the index matches it.";
      // Not awaited: the command ends while the message waits for the user.
      void vscode.window
        .showInformationMessage(`LongLens: no answer for “${question}”. ${why}`, ...(needle ? ["Open Closest Line"] : []))
        .then((choice) => (choice && needle ? revealLines(needle.uri, needle.line, needle.line) : undefined))
        .then(undefined, (error: unknown) => void vscode.window.showErrorMessage(`LongLens: ${describeError(error)}`));
      return needle;
    }
    const evidence = await needleEvidence(folders, needle).catch((error: unknown) => {
      services.output.appendLine(`Find Needle: no memory evidence (${String(error)})`);
      return undefined;
    });
    await inline.show(needle, evidence);
    return needle;
  });

  registerCommand(context, services.output, "longlens.showNeedleCandidates", () => inline.peekCandidates());
}
