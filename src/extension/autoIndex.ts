// Automatic indexing: each folder once the window has started, then again 2 s after its files stop changing
// (a FileSystemWatcher per folder; the engine re-reads only what changed), in the background (status bar
// only). Never in an untrusted workspace, and not while the user has paused it; the status bar says why.
import * as path from "node:path";
import * as vscode from "vscode";
import { describeError, LongLensError } from "../engine";
import type { FolderWorkspace } from "./folderWorkspaces";
import { CANCELLED, registerCommand } from "./registerCommand";
import type { Services } from "./services";

/** workspaceState key, and the context key the palette's when clauses read. */
export const PAUSED_KEY = "longlens.autoIndexPaused";
const DEBOUNCE_MS = 2_000;

class AutoIndexer implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly listeners: vscode.Disposable[];
  /** Folders (by uri) whose files changed since their last index. */
  private readonly changed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly services: Services,
  ) {
    this.listeners = [
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.update();
        this.indexInBackground(vscode.workspace.workspaceFolders ?? [], false);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const folder of e.removed) services.statusBar.forget(folder);
        this.watch();
        this.indexInBackground(e.added, false);
      }),
    ];
    this.watch();
    this.update();
    this.indexInBackground(vscode.workspace.workspaceFolders ?? [], false);
  }

  get paused(): boolean {
    return this.context.workspaceState.get<boolean>(PAUSED_KEY, false);
  }

  async setPaused(paused: boolean): Promise<void> {
    await this.context.workspaceState.update(PAUSED_KEY, paused);
    if (paused) await this.services.indexer.cancel({ backgroundOnly: true });
    this.update();
    // Resumed: catch up with whatever changed, or was cut short by the pause (incremental, so cheap when nothing did).
    if (!paused) this.indexInBackground(vscode.workspace.workspaceFolders ?? [], false);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of [...this.watchers, ...this.listeners]) d.dispose();
  }

  /** Why indexing waits for the user, or undefined when it runs by itself. */
  private get offReason(): string | undefined {
    if (!vscode.workspace.isTrusted) return "this workspace is not trusted (restricted mode); run LongLens: Index Workspace to index it anyway, or trust the workspace";
    if (this.paused) return "paused (LongLens: Resume Automatic Indexing)";
    return undefined;
  }

  private update(): void {
    void vscode.commands.executeCommand("setContext", PAUSED_KEY, this.paused);
    this.services.statusBar.setAutoIndexOff(this.offReason);
    if (this.changed.size > 0) this.schedule();
  }

  private watch(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== "file") continue;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, "**/*"));
      const changed = (uri: vscode.Uri) => void this.changedFile(folder, uri);
      this.watchers.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed));
    }
  }

  private async changedFile(folder: vscode.WorkspaceFolder, uri: vscode.Uri): Promise<void> {
    // Git's own bookkeeping changes on every command and is never indexed.
    if (uri.path.split("/").includes(".git")) return;
    const workspace = await this.services.workspaces.get(folder).catch(() => undefined);
    // A store kept inside the folder (longlens.storeLocation) must not wake the index it is written by.
    if (!workspace || isInside(workspace.storeDir, uri.fsPath)) return;
    this.changed.add(folder.uri.toString());
    this.services.statusBar.markStale();
    this.schedule();
  }

  private schedule(): void {
    if (this.offReason) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => this.changed.has(f.uri.toString()));
      this.changed.clear();
      this.indexInBackground(folders, true);
    }, DEBOUNCE_MS);
  }

  /** Indexes the folders in the background; after a change, only those already indexed (a cleared index stays cleared). */
  private indexInBackground(folders: readonly vscode.WorkspaceFolder[], onlyIndexed: boolean): void {
    if (this.offReason || folders.length === 0) return;
    void (async () => {
      const entries: FolderWorkspace[] = [];
      // A run in progress may have read these files before they changed: let it end, then run again.
      if (onlyIndexed) await this.services.indexer.whenIdle();
      for (const folder of folders) {
        if (folder.uri.scheme !== "file") continue;
        const workspace = await this.services.workspaces.get(folder);
        if (!onlyIndexed || (await workspace.hasIndex())) entries.push({ folder, workspace });
      }
      if (entries.length > 0) await this.services.indexer.index(entries, { interactive: false });
    })().catch((error: unknown) => {
      // The status bar shows the failure; the output channel keeps it. No pop-up for work the user did not start.
      if (error instanceof LongLensError && error.code === CANCELLED) return;
      this.services.statusBar.set("error", describeError(error)); // also when the folder could not even be opened
      this.services.output.appendLine(`Automatic indexing failed: ${describeError(error)}`);
    });
  }
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

export function registerAutoIndex(context: vscode.ExtensionContext, services: Services): void {
  const auto = new AutoIndexer(context, services);
  context.subscriptions.push(auto);
  registerCommand(context, services.output, "longlens.pauseAutoIndex", () => auto.setPaused(true));
  registerCommand(context, services.output, "longlens.resumeAutoIndex", async () => {
    await auto.setPaused(false);
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage("LongLens: automatic indexing starts once you trust this workspace (restricted mode until then).");
    }
  });
}
