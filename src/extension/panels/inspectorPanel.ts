// "LongLens: Open Attention Inspector": a webview panel (one at a time) with the layer x head grid, one large
// head view and the window's tokens; a click on a token shows what it attends to, here and in the editor.
import { writeFile } from "node:fs/promises";
import * as vscode from "vscode";
import { LongLensError, type MemoryReader } from "../../engine";
import type { InspectorData, PanelState, Params, Result } from "../../shared/messages";
import { openWriter, readFolderMemory, type FolderMemory } from "./folderMemory";
import { inspect, requestFromTarget, storedTarget, type InspectRequest } from "./inspection";
import { MessageHost } from "./messageHost";
import type { PanelDeps } from "./panelDeps";
import { setPageInTurn } from "./pageTurns";
import { webviewOptions } from "./webviewHtml";

export class InspectorPanel {
  static readonly viewType = "longlens.inspector";
  static currentPanel: InspectorPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private readonly host: MessageHost<"inspector/ready" | "inspector/variant" | "inspector/rows" | "inspector/decorate" | "inspector/export" | "inspector/memory" | "inspector/openWriter">;
  private state: PanelState<InspectorData> = { status: "loading", message: "Running the model…" };
  /** Bumped per load, so a slow earlier load cannot overwrite a later one. */
  private loads = 0;
  /** The memory view last answered (its slots are what openWriter's indices point into), and reads asked so far. */
  private memory: FolderMemory | undefined;
  private memoryReads = 0;

  static async createOrShow(deps: PanelDeps, request: InspectRequest): Promise<void> {
    if (InspectorPanel.currentPanel) {
      InspectorPanel.currentPanel.panel.reveal(vscode.ViewColumn.Beside, true);
    } else {
      const panel = vscode.window.createWebviewPanel(
        InspectorPanel.viewType,
        "LongLens: Attention",
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        webviewOptions(deps.extensionUri),
      );
      InspectorPanel.currentPanel = new InspectorPanel(panel, deps);
    }
    await InspectorPanel.currentPanel.load(request);
  }

  /** After a reload: the webview's saved state names what it showed; read it again. */
  static revive(panel: vscode.WebviewPanel, deps: PanelDeps, state: unknown): void {
    InspectorPanel.currentPanel = new InspectorPanel(panel, deps);
    const target = storedTarget(state);
    if (target) void InspectorPanel.currentPanel.load(requestFromTarget(target));
    else InspectorPanel.currentPanel.show({ status: "error", message: "Nothing to show: run LongLens: Open Attention Inspector from an editor." });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: PanelDeps,
  ) {
    panel.webview.options = webviewOptions(deps.extensionUri);
    const started = setPageInTurn(panel.webview, deps.extensionUri, "inspector", "LongLens: Attention");
    this.host = new MessageHost(panel.webview, {
      "inspector/ready": async () => posted(this.state),
      "inspector/variant": async ({ variant }) => {
        const data = this.ready();
        return this.load(requestFromTarget(data.target, variant), false);
      },
      "inspector/rows": async ({ token }) => {
        const { target, result } = this.ready();
        return { token, rows: await deps.inspector.tokenRows(result.tokens.map((t) => t.id), token, target.variant) };
      },
      "inspector/decorate": async (params) => {
        if (params === null) deps.decorations.clearAttention();
        else deps.decorations.showAttention(this.ready().target.uri, this.ready().result.tokens, params.token, params.keys);
        return null;
      },
      "inspector/export": async (params) => this.export(params),
      "inspector/memory": async (params) => this.readMemory(params),
      "inspector/openWriter": async (choice) => openWriter(this.memory, choice),
    }, deps.output, started);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.disposables.push(this.host);
  }

  /** Loads `request`, shows "loading" meanwhile; with notify false the caller gets the state as its answer. */
  private async load(request: InspectRequest, notify = true): Promise<PanelState<InspectorData>> {
    const load = ++this.loads;
    this.show({ status: "loading", message: "Running the model…" }, notify);
    const state = await inspect(this.deps.inspector, request, this.deps.output);
    if (load === this.loads) this.show(state, notify);
    if (state.status === "ready") this.panel.title = `Attention: ${state.data.target.label}`;
    return state;
  }

  /** A token's reads (its query as the memory pass computed it, from the document's text), or the last question's. */
  private async readMemory(params: Params<"inspector/memory">): Promise<Result<"inspector/memory">> {
    const { target, result } = this.ready();
    const question = this.deps.hits.lastQuestion;
    let reader: MemoryReader;
    if ("token" in params) {
      const token = result.tokens[params.token];
      if (!token) throw new LongLensError(`The window has no token ${params.token}.`);
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri));
      reader = { text: document.getText(), start: token.start, end: token.end, token: params.token };
    } else if (question !== undefined) {
      reader = { question };
    } else {
      return { reason: "No question asked yet: ask one (LongLens: Ask the Codebase, or @longlens) to see what it reads here." };
    }
    const read = ++this.memoryReads;
    const memory = await readFolderMemory(this.deps.workspaces, vscode.Uri.parse(target.uri), reader);
    if (read === this.memoryReads) this.memory = memory;
    return memory.state;
  }

  private show(state: PanelState<InspectorData>, notify = true): void {
    this.state = state;
    if (notify) this.host.notify("inspector/show", posted(state));
  }

  private ready(): InspectorData {
    if (this.state.status !== "ready") throw new Error("The inspector has nothing loaded yet.");
    return this.state.data;
  }

  private async export(params: Params<"inspector/export">): Promise<Result<"inspector/export">> {
    const { target, result } = this.ready();
    const base = `${target.label.replace(/[^\w.-]+/g, "_")}-${target.lines[0]}-${target.lines[1]}-${target.variant}`;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const defaultUri = folder ? vscode.Uri.joinPath(folder, `${base}.${params.format}`) : undefined;
    const uri = await vscode.window.showSaveDialog({ ...(defaultUri ? { defaultUri } : {}), filters: params.format === "png" ? { PNG: ["png"] } : { JSON: ["json"] } });
    if (!uri) return {};
    const bytes = params.format === "png"
      ? Buffer.from(params.dataUrl.replace(/^data:image\/png;base64,/, ""), "base64")
      : Buffer.from(JSON.stringify({ target, selection: params.selection, result }, null, 2));
    await writeFile(uri.fsPath, bytes);
    return { saved: vscode.workspace.asRelativePath(uri) };
  }

  dispose(): void {
    InspectorPanel.currentPanel = undefined;
    this.deps.decorations.clearAttention();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()!.dispose();
  }
}

/** Stamps when a state leaves for the webview, which reports the transfer's share of opening. */
function posted(state: PanelState<InspectorData>): PanelState<InspectorData> {
  if (state.status === "ready") state.data.postedAt = Date.now();
  return state;
}
