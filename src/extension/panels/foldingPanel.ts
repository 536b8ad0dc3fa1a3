// "LongLens: Show Positional Folding": REPO's position against token index per layer and head, relative to a
// reference token, folded stretches shaded; the editor can dim the tokens a head folds away.
import * as vscode from "vscode";
import type { InspectorData, PanelState } from "../../shared/messages";
import { inspect, requestFromTarget, storedTarget, type InspectRequest } from "./inspection";
import { MessageHost } from "./messageHost";
import type { PanelDeps } from "./panelDeps";
import { setPageInTurn } from "./pageTurns";
import { webviewOptions } from "./webviewHtml";

export class FoldingPanel {
  static readonly viewType = "longlens.folding";
  static currentPanel: FoldingPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private readonly host: MessageHost<"folding/ready" | "folding/dim">;
  private state: PanelState<InspectorData> = { status: "loading", message: "Running the model…" };
  private loads = 0;

  static async createOrShow(deps: PanelDeps, request: InspectRequest): Promise<void> {
    if (FoldingPanel.currentPanel) {
      FoldingPanel.currentPanel.panel.reveal(vscode.ViewColumn.Beside, true);
    } else {
      const panel = vscode.window.createWebviewPanel(
        FoldingPanel.viewType,
        "LongLens: Folding",
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        webviewOptions(deps.extensionUri),
      );
      FoldingPanel.currentPanel = new FoldingPanel(panel, deps);
    }
    await FoldingPanel.currentPanel.load(request);
  }

  static revive(panel: vscode.WebviewPanel, deps: PanelDeps, state: unknown): void {
    FoldingPanel.currentPanel = new FoldingPanel(panel, deps);
    const target = storedTarget(state);
    if (target) void FoldingPanel.currentPanel.load(requestFromTarget(target));
    else FoldingPanel.currentPanel.show({ status: "error", message: "Nothing to show: run LongLens: Show Positional Folding from an editor." });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: PanelDeps,
  ) {
    panel.webview.options = webviewOptions(deps.extensionUri);
    const started = setPageInTurn(panel.webview, deps.extensionUri, "folding", "LongLens: Folding");
    this.host = new MessageHost(panel.webview, {
      "folding/ready": async () => this.state,
      "folding/dim": async (params) => {
        if (params === null || this.state.status !== "ready") {
          deps.decorations.clearDimmed();
          return null;
        }
        const { target, result } = this.state.data;
        const folds = result.positions.layers[params.layer]?.folds?.[params.head] ?? [];
        // A folded stretch collapses onto its first token: the rest are what REPO folds away.
        const away = folds.flatMap(([first, last]) => Array.from({ length: last - first }, (_, i) => first + 1 + i));
        deps.decorations.showDimmed(target.uri, result.tokens, away);
        return null;
      },
    }, deps.output, started);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.disposables.push(this.host);
  }

  private async load(request: InspectRequest): Promise<void> {
    const load = ++this.loads;
    this.show({ status: "loading", message: "Running the model…" });
    // REPO positions exist only in the shipped model; the RoPE variant's are the token indices.
    const state = await inspect(this.deps.inspector, { ...request, variant: "longlens" }, this.deps.output);
    if (load !== this.loads) return;
    this.show(state);
    if (state.status === "ready") this.panel.title = `Folding: ${state.data.target.label}`;
  }

  private show(state: PanelState<InspectorData>): void {
    this.state = state;
    this.deps.decorations.clearDimmed();
    this.host.notify("folding/show", state);
  }

  dispose(): void {
    FoldingPanel.currentPanel = undefined;
    this.deps.decorations.clearDimmed();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()!.dispose();
  }
}
