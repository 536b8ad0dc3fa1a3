// Every LongLens command goes through here, so none can leak an exception or an unhandled
// rejection into the extension host: the user sees one line, the output channel keeps the details.
import * as vscode from "vscode";
import { describeError, LongLensError } from "../engine";

/** Thrown when the user cancels a long run; reported as information, not as an error. */
export const CANCELLED = "CANCELLED";

export function registerCommand(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
  id: string,
  handler: (...args: unknown[]) => Promise<unknown>,
): void {
  const guarded = async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof LongLensError && error.code === CANCELLED) {
        void vscode.window.showInformationMessage(`LongLens: ${error.message}`);
        return undefined;
      }
      // A LongLensError already says all there is; anything else is a bug, and its stack helps a report.
      const detail = error instanceof Error && !(error instanceof LongLensError) ? (error.stack ?? error.message) : describeError(error);
      output.appendLine(`${id} failed: ${detail}`);
      void vscode.window.showErrorMessage(`LongLens: ${describeError(error)}`);
      return undefined;
    }
  };
  context.subscriptions.push(vscode.commands.registerCommand(id, guarded));
}
