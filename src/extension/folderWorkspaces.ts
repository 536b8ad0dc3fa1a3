// One engine Workspace per workspace folder, opened with the user's settings and kept open
// (so its store stays loaded) until the settings or the folders change.
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import * as path from "node:path";
import * as vscode from "vscode";
import { LongLensError, Workspace, type WorkspaceOptions } from "../engine";

export interface FolderWorkspace {
  folder: vscode.WorkspaceFolder;
  workspace: Workspace;
}

export class FolderWorkspaces implements vscode.Disposable {
  private readonly open = new Map<string, Promise<Workspace>>();
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.listeners = [
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration("longlens") && this.closeAll()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.closeAll()),
    ];
  }

  /** The local folders of the window; LongLens cannot read virtual file systems. */
  folders(): readonly vscode.WorkspaceFolder[] {
    const local = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file");
    if (local.length === 0) throw new LongLensError("Open a folder first: LongLens indexes the folders of the workspace.");
    return local;
  }

  async all(): Promise<FolderWorkspace[]> {
    return Promise.all(this.folders().map(async (folder) => ({ folder, workspace: await this.get(folder) })));
  }

  get(folder: vscode.WorkspaceFolder): Promise<Workspace> {
    const key = folder.uri.toString();
    let workspace = this.open.get(key);
    if (!workspace) {
      workspace = this.openFolder(folder);
      // A failed open (say, a bad setting) is retried next time rather than remembered.
      workspace.catch(() => this.open.delete(key));
      this.open.set(key, workspace);
    }
    return workspace;
  }

  closeAll(): void {
    const closing = [...this.open.values()];
    this.open.clear();
    for (const workspace of closing) workspace.then((w) => w.dispose(), () => {});
  }

  dispose(): void {
    this.closeAll();
    for (const listener of this.listeners) listener.dispose();
  }

  private async openFolder(folder: vscode.WorkspaceFolder): Promise<Workspace> {
    const settings = vscode.workspace.getConfiguration("longlens", folder.uri);
    const options: WorkspaceOptions = {
      storeDir: await this.storeDir(folder, settings.get<string>("storeLocation", "")),
      include: settings.get<string[]>("include", []),
      exclude: settings.get<string[]>("exclude", []),
      maxFileBytes: settings.get<number>("maxFileSize", 1_048_576),
      threads: settings.get<number>("threads", 0),
      allowedOutsideRoots: settings.get<string[]>("allowedOutsideRoots", []).map((root) => path.resolve(folder.uri.fsPath, root)),
      // Indexing wholly off the extension host's thread: in it, building and writing the lexical index stalled
      // the host's event loop for 0.3-1.1 s (the e2e's measure).
      indexOnWorker: true,
    };
    return Workspace.open(folder.uri.fsPath, options);
  }

  /** <storeLocation or extension storage>/stores/<hash of the folder>, created if missing. */
  private async storeDir(folder: vscode.WorkspaceFolder, storeLocation: string): Promise<string> {
    const base =
      storeLocation.trim() !== ""
        ? path.resolve(folder.uri.fsPath, storeLocation)
        : path.join((this.context.storageUri ?? this.context.globalStorageUri).fsPath, "stores");
    const hash = createHash("sha256").update(folder.uri.fsPath).digest("hex").slice(0, 16);
    const dir = path.join(base, hash);
    await mkdir(base, { recursive: true });
    return dir;
  }
}
