// The index's state in the status bar: files, tokens and memory shards indexed across the window's folders,
// and whether LongLens is idle, indexing, stale (files changed since) or failed. A click opens the LongLens menu.
import * as vscode from "vscode";
import type { IndexResult } from "../engine";
import { formatCount } from "../shared/indexText";

export type IndexState = "idle" | "indexing" | "stale" | "error";

interface FolderCounts {
  name: string;
  files: number;
  tokens: number;
  shards: number;
  /** Whether the memory pass ran: without the model files the folder is searched by keywords only. */
  memory: boolean;
  /** What its last index should tell the user (src/shared/indexNotices.ts): a warning state until the next run. */
  notices: readonly string[];
}

const ICONS: Record<IndexState, string> = { idle: "$(database)", indexing: "$(sync~spin)", stale: "$(history)", error: "$(error)" };

export class IndexStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("longlens.index", vscode.StatusBarAlignment.Left);
  private readonly folders = new Map<string, FolderCounts>();
  private state: Exclude<IndexState, "stale"> = "idle";
  /** Files changed since the last run started. */
  private stale = false;
  /** What the run is doing now (indexing), or what went wrong (error). */
  private detail = "";
  /** Why automatic indexing is off, when it is (paused, untrusted workspace). */
  private autoOff: string | undefined;

  constructor() {
    this.item.name = "LongLens Index";
    this.item.command = "longlens.statusMenu";
  }

  get current(): IndexState {
    return this.state === "idle" && this.stale ? "stale" : this.state;
  }

  /** "5 files · 1,234 tokens · 1 memory shard", summed over the folders indexed in this window. */
  get summary(): string {
    if (this.folders.size === 0) return "not indexed yet";
    const total = [...this.folders.values()].reduce((sum, f) => ({ files: sum.files + f.files, tokens: sum.tokens + f.tokens, shards: sum.shards + f.shards }), {
      files: 0,
      tokens: 0,
      shards: 0,
    });
    return `${formatCount(total.files)} files · ${formatCount(total.tokens)} tokens · ${formatCount(total.shards)} memory shard${total.shards === 1 ? "" : "s"}`;
  }

  indexed(folder: vscode.WorkspaceFolder, result: IndexResult, notices: readonly string[]): void {
    const counts = { name: folder.name, files: result.files, tokens: result.tokens, shards: result.memory?.shards ?? 0, memory: result.memory !== undefined, notices };
    this.folders.set(folder.uri.toString(), counts);
  }

  forget(folder: vscode.WorkspaceFolder): void {
    this.folders.delete(folder.uri.toString());
    this.render();
  }

  /** A run starting reads every change made so far, so it ends staleness; later changes bring it back. */
  set(state: Exclude<IndexState, "stale">, detail = ""): void {
    if (state === "indexing") this.stale = false;
    this.state = state;
    this.detail = detail;
    this.render();
  }

  markStale(): void {
    this.stale = true;
    this.render();
  }

  /** After Clear Index: nothing is indexed, nothing is stale. */
  cleared(): void {
    this.folders.clear();
    this.stale = false;
    this.set("idle");
  }

  setAutoIndexOff(reason: string | undefined): void {
    this.autoOff = reason;
    this.render();
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(): void {
    if (!vscode.workspace.workspaceFolders?.length) {
      this.item.hide();
      return;
    }
    const state = this.current;
    const warned = state === "idle" && [...this.folders.values()].some((f) => f.notices.length > 0);
    const words = this.state === "indexing" ? `indexing: ${this.detail}` : this.state === "error" ? "index failed" : this.summary;
    const restricted = vscode.workspace.isTrusted ? "" : " (restricted)";
    this.item.text = `${warned ? "$(warning)" : ICONS[state]} LongLens: ${words}${state === "stale" ? " (stale)" : ""}${restricted}`;
    this.item.backgroundColor = this.state === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground")
      : warned ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    const tooltip = new vscode.MarkdownString();
    const line = (text: string) => tooltip.appendText(text).appendMarkdown("\n\n");
    line(state === "error" ? `LongLens: indexing failed: ${this.detail}` : state === "stale" ? "LongLens: files changed since the last index." : `LongLens: ${state}`);
    if (this.folders.size > 1) for (const f of this.folders.values()) line(`${f.name}: ${formatCount(f.files)} files, ${formatCount(f.tokens)} tokens, ${formatCount(f.shards)} shards`);
    for (const f of this.folders.values()) if (!f.memory) line(`${f.name} has no memory (the model files are missing; see the LongLens output): keyword search only.`);
    for (const f of this.folders.values()) for (const notice of f.notices) line(`${f.name}: ${notice}.`);
    if (this.autoOff) line(`Automatic indexing is off: ${this.autoOff}`);
    line("Click for the LongLens menu.");
    this.item.tooltip = tooltip;
    this.item.show();
  }
}
