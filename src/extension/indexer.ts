// Runs the engine's index over workspace folders, one run at a time. A run the user started shows a
// cancellable progress notification and a summary; an automatic one shows itself in the status bar only.
// The engine does the heavy work off this thread (chunk and memory workers); this keeps the host responsive
// by reporting progress sparingly, and logs the event loop's worst stall so a regression shows.
import { monitorEventLoopDelay } from "node:perf_hooks";
import * as vscode from "vscode";
import { describeError, LongLensError, type IndexProgress, type IndexResult } from "../engine";
import { indexNotices } from "../shared/indexNotices";
import { describeIndexResult, describeMemory, describeProgress } from "../shared/indexText";
import type { FolderWorkspace } from "./folderWorkspaces";
import { IndexNoticeWarnings } from "./indexNoticeWarnings";
import { CANCELLED } from "./registerCommand";
import type { IndexStatusBar } from "./statusBar";

/** Progress notifications are cross-process messages: a few per second is plenty. */
const PROGRESS_INTERVAL_MS = 150;

export interface IndexRequest {
  /** The user asked for it: progress in a cancellable notification, and a summary when done. */
  interactive: boolean;
  /** Progress lines for another view (the chat). */
  onProgress?: (message: string) => void;
}

interface Run {
  keys: string[];
  /** Whether a request from the user started or joined it. */
  interactive: boolean;
  done: Promise<IndexResult[]>;
  controller: AbortController;
  progress: vscode.EventEmitter<string>;
}

export class Indexer {
  private current: Run | undefined;
  private readonly warnings: IndexNoticeWarnings;

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly statusBar: IndexStatusBar,
  ) {
    this.warnings = new IndexNoticeWarnings(output);
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Resolves once no run is in progress. */
  async whenIdle(): Promise<void> {
    while (this.current) await this.current.done.catch(() => undefined);
  }

  /**
   * Stops the run in progress, if any, and waits for it to end (the previous index is kept); with
   * backgroundOnly, not a run the user started or is waiting for.
   */
  async cancel({ backgroundOnly = false } = {}): Promise<void> {
    const run = this.current;
    if (!run || (backgroundOnly && run.interactive)) return;
    run.controller.abort();
    await this.whenIdle();
  }

  /**
   * Indexes the folders and returns their results in the same order. A run already covering them is joined
   * (with its progress shown as this request asks); one covering other folders is waited for, so no store is
   * written by two runs at once.
   */
  async index(folders: FolderWorkspace[], request: IndexRequest): Promise<IndexResult[]> {
    const keys = folders.map(({ folder }) => folder.uri.toString());
    while (this.current && !keys.every((key) => this.current!.keys.includes(key))) {
      await this.current.done.catch(() => undefined);
    }
    const run = this.current ?? this.start(folders, keys);
    run.interactive ||= request.interactive;
    const following = request.onProgress && run.progress.event(request.onProgress);
    try {
      const results = request.interactive ? await this.withNotification(run) : await run.done;
      const mine = keys.map((key) => results[run.keys.indexOf(key)]!);
      if (request.interactive) this.announce(mine);
      return mine;
    } finally {
      following?.dispose();
    }
  }

  private start(folders: FolderWorkspace[], keys: string[]): Run {
    const run: Run = { keys, interactive: false, controller: new AbortController(), progress: new vscode.EventEmitter<string>(), done: Promise.resolve([]) };
    run.done = this.runFolders(folders, run).finally(() => {
      run.progress.dispose();
      this.current = undefined;
    });
    this.current = run;
    return run;
  }

  private async runFolders(folders: FolderWorkspace[], run: Run): Promise<IndexResult[]> {
    this.statusBar.set("indexing", "starting");
    const stalls = monitorEventLoopDelay({ resolution: 20 });
    stalls.enable();
    try {
      const results: IndexResult[] = [];
      for (const { folder, workspace } of folders) {
        const prefix = folders.length > 1 ? `${folder.name}: ` : "";
        const onProgress = throttled((p: IndexProgress) => {
          const message = prefix + describeProgress(p);
          this.statusBar.set("indexing", message);
          run.progress.fire(message);
        });
        const result = await workspace.index({ signal: run.controller.signal, onProgress });
        const notices = indexNotices(result);
        this.statusBar.indexed(folder, result, notices);
        this.log(folder, result);
        this.warnings.report(folder, notices);
        results.push(result);
      }
      this.output.appendLine(`  the extension host's event loop stalled at most ${Math.round(stalls.max / 1e6)} ms while indexing`);
      this.statusBar.set("idle");
      return results;
    } catch (error) {
      if (run.controller.signal.aborted) {
        // Cut short, some folders may lag behind their files.
        this.statusBar.markStale();
        this.statusBar.set("idle");
        throw new LongLensError("Indexing cancelled; the previous index is kept.", CANCELLED);
      }
      this.statusBar.set("error", describeError(error));
      throw error;
    } finally {
      stalls.disable();
    }
  }

  private withNotification(run: Run): Thenable<IndexResult[]> {
    const options = { location: vscode.ProgressLocation.Notification, cancellable: true, title: "LongLens: Indexing" };
    return vscode.window.withProgress(options, (progress, token) => {
      const cancelling = token.onCancellationRequested(() => run.controller.abort());
      const reporting = run.progress.event((message) => progress.report({ message }));
      return run.done.finally(() => {
        cancelling.dispose();
        reporting.dispose();
      });
    });
  }

  private log(folder: vscode.WorkspaceFolder, result: IndexResult): void {
    const name = folder.name;
    this.output.appendLine(`Indexed ${name}: ${describeIndexResult(result)}; tokens counted by ${result.tokenCounter}`);
    if (result.memory) this.output.appendLine(`  ${describeMemory(result.memory)}`);
    for (const skipped of result.skipped) this.output.appendLine(`  skipped ${name}/${skipped.path}: ${skipped.reason}`);
    for (const warning of result.warnings ?? []) this.output.appendLine(`  warning: ${warning}`);
    for (const { path, lines } of result.redacted ?? []) this.output.appendLine(`  redacted ${name}/${path}: secrets on lines ${lines.join(", ")}`);
  }

  private announce(results: IndexResult[]): void {
    const total = combine(results);
    // In restricted mode only the user's commands index: say that nothing will by itself.
    const restricted = vscode.workspace.isTrusted ? "" : " (restricted mode: automatic indexing stays off until you trust this workspace)";
    const message = `LongLens indexed ${describeIndexResult(total)}${restricted}`;
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
  let phase = "";
  return (p) => {
    const now = Date.now();
    // A new phase always shows; within one (the memory pass reports every piece), a few per second.
    if (now - last < PROGRESS_INTERVAL_MS && p.phase === phase) return;
    last = now;
    phase = p.phase;
    report(p);
  };
}
