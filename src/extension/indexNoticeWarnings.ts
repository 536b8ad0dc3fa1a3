// Index notices (src/shared/indexNotices.ts) as a warning with "Show Details" (the output channel), once per
// folder and set of notices: a background re-index finding the same again stays quiet.
import * as vscode from "vscode";

/** Remembers, per folder, the notices last shown. */
export class IndexNoticeWarnings {
  private readonly shown = new Map<string, string>();

  constructor(private readonly output: vscode.OutputChannel) {}

  report(folder: vscode.WorkspaceFolder, notices: readonly string[]): void {
    const key = folder.uri.toString();
    const seen = notices.join("\n");
    if (this.shown.get(key) === seen) return;
    this.shown.set(key, seen);
    if (notices.length === 0) return;
    const more = notices.length > 1 ? ` (and ${notices.length - 1} more)` : "";
    // Not awaited: the run ends while the warning waits for the user.
    void vscode.window
      .showWarningMessage(`LongLens indexed ${folder.name}: ${notices[0]}${more}.`, "Show Details")
      .then((choice) => choice && this.output.show(true));
  }
}
