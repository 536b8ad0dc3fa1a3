// What the panels show in the editor: the token chosen in the inspector and the tokens it attends to
// (stronger attention, stronger highlight), or the tokens REPO folds away, dimmed.
import * as vscode from "vscode";
import type { InspectToken } from "../../shared/inspectData";

/** Highlight strengths; a key's weight relative to the strongest picks one. */
const LEVELS = [0.12, 0.24, 0.38, 0.55];
/** Keys weaker than this share of the strongest are left plain. */
const FLOOR = 0.08;

export class TokenDecorations implements vscode.Disposable {
  private readonly chosen = vscode.window.createTextEditorDecorationType({
    borderWidth: "1px",
    borderStyle: "solid",
    borderColor: new vscode.ThemeColor("focusBorder"),
  });
  private readonly levels = LEVELS.map((alpha) =>
    vscode.window.createTextEditorDecorationType({
      backgroundColor: `rgba(230, 140, 30, ${alpha})`,
      overviewRulerColor: `rgba(230, 140, 30, ${alpha + 0.3})`,
      overviewRulerLane: vscode.OverviewRulerLane.Center,
    }),
  );
  private readonly dimmed = vscode.window.createTextEditorDecorationType({ opacity: "0.35" });

  /** Marks `token` and the keys it attends to ([token index, weight] pairs) in every editor showing `uri`. */
  showAttention(uri: string, tokens: InspectToken[], token: number, keys: [number, number][]): void {
    const strongest = Math.max(...keys.map(([, w]) => w), 1e-9);
    const byLevel = LEVELS.map(() => [] as number[]);
    for (const [index, weight] of keys) {
      const share = weight / strongest;
      if (share >= FLOOR && tokens[index]) byLevel[Math.min(LEVELS.length - 1, Math.floor(share * LEVELS.length))]!.push(index);
    }
    this.apply(uri, (editor) => {
      editor.setDecorations(this.chosen, this.ranges(editor, tokens, [token]));
      this.levels.forEach((type, level) => editor.setDecorations(type, this.ranges(editor, tokens, byLevel[level]!)));
    });
  }

  showDimmed(uri: string, tokens: InspectToken[], indices: number[]): void {
    this.apply(uri, (editor) => editor.setDecorations(this.dimmed, this.ranges(editor, tokens, indices)));
  }

  clearAttention(): void {
    for (const editor of vscode.window.visibleTextEditors) for (const type of [this.chosen, ...this.levels]) editor.setDecorations(type, []);
  }

  clearDimmed(): void {
    for (const editor of vscode.window.visibleTextEditors) editor.setDecorations(this.dimmed, []);
  }

  dispose(): void {
    for (const type of [this.chosen, ...this.levels, this.dimmed]) type.dispose();
  }

  private apply(uri: string, decorate: (editor: vscode.TextEditor) => void): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === uri) decorate(editor);
  }

  private ranges(editor: vscode.TextEditor, tokens: InspectToken[], indices: number[]): vscode.Range[] {
    const doc = editor.document;
    return indices.map((i) => new vscode.Range(doc.positionAt(tokens[i]!.start), doc.positionAt(tokens[i]!.end)));
  }
}
