// The inspector, folding and hits views: their commands, and the serializers that restore panels after a reload.
import * as vscode from "vscode";
import { InspectorThread } from "../../engine";
import { registerCommand } from "../registerCommand";
import type { Services } from "../services";
import { FoldingPanel } from "./foldingPanel";
import { HitsView } from "./hitsView";
import { requestFromEditor } from "./inspection";
import { InspectorPanel } from "./inspectorPanel";
import type { PanelDeps } from "./panelDeps";
import { TokenDecorations } from "./tokenDecorations";

/** How long after activation the inspector's graphs load in the background (after the startup index). */
const PRELOAD_AFTER_MS = 10_000;

export function registerPanels(context: vscode.ExtensionContext, { output, hits, indexer, workspaces }: Services): void {
  // On a worker: a 2,000-token run holds the thread it runs on for about a second, while the workbench starts
  // the panel's webview. The graphs are freed after two idle minutes: a loaded 2,000-token run holds about a gigabyte.
  const inspector = new InspectorThread(undefined, { releaseAfterMs: 120_000 });
  // The first open then runs the model at once. A failure here (model files missing) is left for that open to
  // report: the user has not asked for anything yet.
  const preload = setTimeout(() => void indexer.whenIdle().then(() => inspector.preload()).catch(() => undefined), PRELOAD_AFTER_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(preload) });
  const decorations = new TokenDecorations();
  context.subscriptions.push(decorations, { dispose: () => void inspector.dispose() });
  const deps: PanelDeps = { extensionUri: context.extensionUri, output, inspector, decorations, workspaces, hits };

  registerCommand(context, output, "longlens.openInspector", () => InspectorPanel.createOrShow(deps, requestFromEditor("longlens")));
  registerCommand(context, output, "longlens.showFolding", () => FoldingPanel.createOrShow(deps, requestFromEditor("longlens")));
  registerCommand(context, output, "longlens.showHits", async () => vscode.commands.executeCommand(`${HitsView.viewType}.focus`));
  context.subscriptions.push(
    hits,
    vscode.window.registerWebviewPanelSerializer(InspectorPanel.viewType, {
      deserializeWebviewPanel: async (panel, state) => InspectorPanel.revive(panel, deps, state),
    }),
    vscode.window.registerWebviewPanelSerializer(FoldingPanel.viewType, {
      deserializeWebviewPanel: async (panel, state) => FoldingPanel.revive(panel, deps, state),
    }),
  );
}
