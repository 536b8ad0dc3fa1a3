// The inspector and folding panels, opened the way the palette does, on a fixture file in the editor.
import * as vscode from "vscode";

/** Polls `find` until it returns something or `ms` pass. */
async function waitFor<T>(find: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The tab of a LongLens webview panel once its title names the file (set when the model has run). */
function panelTab(viewType: string, title: RegExp): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(viewType) && title.test(tab.label));
}

suite("LongLens panels", () => {
  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, "src/invoice.ts"));
    editor.selection = new vscode.Selection(2, 0, 12, 0);
  });

  test("Open Attention Inspector runs the model on the selected lines and titles its panel", async () => {
    await vscode.commands.executeCommand("longlens.openInspector");
    await waitFor(() => panelTab("longlens.inspector", /^Attention: src\/invoice\.ts$/));
  });

  test("Show Positional Folding does the same for REPO's positions", async () => {
    await vscode.commands.executeCommand("longlens.showFolding");
    await waitFor(() => panelTab("longlens.folding", /^Folding: src\/invoice\.ts$/));
  });
});
