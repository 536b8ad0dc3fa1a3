// "LongLens: Hits": a webview view listing the ranked hits of the last question; a click (or Enter) opens one.
import * as vscode from "vscode";
import type { Hit } from "../../engine";
import type { HitsData, PanelState } from "../../shared/messages";
import type { FolderWorkspaces } from "../folderWorkspaces";
import { revealLines } from "../questionFlow";
import { openWriter, readFolderMemory, type FolderMemory } from "./folderMemory";
import { MessageHost } from "./messageHost";
import { setPageInTurn } from "./pageTurns";
import { webviewOptions } from "./webviewHtml";

export class HitsView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = "longlens.hits";

  private state: PanelState<HitsData> = { status: "loading", message: "Ask a question (LongLens: Ask the Codebase) to list its hits here." };
  private uris: vscode.Uri[] = [];
  private host?: MessageHost<"hits/ready" | "hits/open" | "hits/openWriter">;
  private memory: FolderMemory | undefined;
  /** Bumped per question, so a slow memory read of an earlier one is dropped. */
  private shown = 0;
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.OutputChannel,
    private readonly workspaces: FolderWorkspaces,
  ) {
    this.registration = vscode.window.registerWebviewViewProvider(HitsView.viewType, this);
  }

  /** The hits of the last question, in rank order, each with the file it points at. */
  show(question: string, hits: (Hit & { uri: vscode.Uri })[]): void {
    this.uris = hits.map((hit) => hit.uri);
    const rows = hits.map((hit) => ({
      file: vscode.workspace.asRelativePath(hit.uri),
      startLine: hit.startLine,
      endLine: hit.endLine,
      score: hit.score,
      snippet: hit.snippet,
      sources: [...hit.sources],
    }));
    this.state = { status: "ready", data: { question, hits: rows } };
    this.memory = undefined;
    this.host?.notify("hits/show", this.state);
    if (hits[0]) void this.showMemory(++this.shown, question, hits[0].uri);
  }

  /** The last question asked, if any (the inspector shows what it reads). */
  get lastQuestion(): string | undefined {
    return this.state.status === "ready" ? this.state.data.question : undefined;
  }

  /** Then the slots the question reads in the memory of the top hit's folder. */
  private async showMemory(shown: number, question: string, uri: vscode.Uri): Promise<void> {
    const memory = await readFolderMemory(this.workspaces, uri, { question });
    if (shown !== this.shown || this.state.status !== "ready") return;
    this.memory = memory;
    this.state = { status: "ready", data: { ...this.state.data, memory: memory.state } };
    this.host?.notify("hits/show", this.state);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    const started = setPageInTurn(view.webview, this.extensionUri, "hits", "LongLens: Hits");
    this.host?.dispose();
    this.host = new MessageHost(view.webview, {
      "hits/ready": async () => this.state,
      "hits/open": async ({ index }) => {
        const uri = this.uris[index];
        const hit = this.state.status === "ready" ? this.state.data.hits[index] : undefined;
        if (uri && hit) await revealLines(uri, hit.startLine, hit.endLine);
        return null;
      },
      "hits/openWriter": async (choice) => openWriter(this.memory, choice),
    }, this.output, started);
    view.onDidDispose(() => {
      this.host?.dispose();
      this.host = undefined;
    });
  }

  dispose(): void {
    this.host?.dispose();
    this.registration.dispose();
  }
}
