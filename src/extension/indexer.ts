// Indexes workspace folders under a cancellable progress notification, then reports the result
// (message, skipped files in the output channel, status bar). Index and Ask both come through here.
import * as vscode from "vscode";
import { LongLensError } from "../engine/errors";
import type { IndexProgress, IndexResult } from "../engine/types";
import { describeIndexResult, describeProgress } from "../shared/indexText";
import type { FolderWorkspace } from "./folderWorkspaces";
import { CANCELLED } from "./registerCommand";
import type { IndexStatusBar } from "./statusBar";

/** Progress notifications are cross-process messages: a few per second is plenty. */
const PROGRESS_INTERVAL_MS = 150;

export class Indexer {
  private running?: Promise<IndexResult[]>;

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly statusBar: IndexStatusBar,
  ) {}

  /** Indexes the folders; a second call while one runs joins it instead of racing it on the same stores. */
  index(folders: FolderWorkspace[]): Promise<IndexResult[]> {
    this.running ??= this.indexWithProgress(folders).finally(() => (this.running = undefined));
    return this.running;
  }

  private async indexWithProgress(folders: FolderWorkspace[]): Promise<IndexResult[]> {
    const options = { location: vscode.ProgressLocation.Notification, cancellable: true, title: "LongLens: Indexing" };
    const results = await vscode.window.withProgress(options, async (progress, token) => {
      const controller = new AbortController();
      const cancelling = token.onCancellationRequested(() => controller.abort());
      try {
        const results: IndexResult[] = [];
        for (const { folder, workspace } of folders) {
          const prefix = folders.length > 1 ? `${folder.name}: ` : "";
          const onProgress = throttled((p: IndexProgress) => progress.report({ message: prefix + describeProgress(p) }));
          results.push(await workspace.index({ signal: controller.signal, onProgress }));
        }
        return results;
      } catch (error) {
        if (controller.signal.aborted) throw new LongLensError("Indexing cancelled; the previous index is kept.", CANCELLED);
        throw error;
      } finally {
        cancelling.dispose();
      }
    });
    this.report(folders, results);
    return results;
  }

  private report(folders: FolderWorkspace[], results: IndexResult[]): void {
    const total = combine(results);
    this.statusBar.showIndexed(total.files);
    results.forEach((result, i) => {
      const name = folders[i]!.folder.name;
      this.output.appendLine(`Indexed ${name}: ${describeIndexResult(result)}; tokens counted by ${result.tokenCounter}`);
      for (const skipped of result.skipped) this.output.appendLine(`  skipped ${name}/${skipped.path}: ${skipped.reason}`);
      for (const warning of result.warnings ?? []) this.output.appendLine(`  warning: ${warning}`);
    });
    const message = `LongLens indexed ${describeIndexResult(total)}`;
    if (total.skipped.length === 0) {
      void vscode.window.showInformationMessage(message);
      return;
    }
    // Not awaited: the command finishes while the message waits for the user.
    void vscode.window
      .showInformationMessage(`${message}; ${total.skipped.length} files skipped`, "Show Skipped Files")
      .then((choice) => choice && this.output.show(true));
  }
}

function combine(results: IndexResult[]): IndexResult {
  const sum = (pick: (r: IndexResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const seconds = sum((r) => r.seconds);
  const tokens = sum((r) => r.tokens);
  return {
    files: sum((r) => r.files),
    chunks: sum((r) => r.chunks),
    tokens,
    tokenCounter: results[0]?.tokenCounter ?? "",
    skipped: results.flatMap((r) => r.skipped),
    seconds,
    tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
  };
}

function throttled(report: (p: IndexProgress) => void): (p: IndexProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < PROGRESS_INTERVAL_MS && p.filesDone !== p.filesTotal) return;
    last = now;
    report(p);
  };
}
