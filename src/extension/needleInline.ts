// A needle's answer in the editor: the value's span highlighted, "answer · confidence" after the line, a hover
// with the memory's evidence (its strongest slot reads and the chunk that wrote them), and the other places
// the model read in a peek view. Cleared when the file is edited or the next needle is shown.
import * as vscode from "vscode";
import { describeError, LongLensError, type MemoryHit } from "../engine";
import { type LocatedNeedle, strongestSlots } from "./needleResults";

const PEEK_COMMAND = "longlens.showNeedleCandidates";
/** Slot reads and chunk lines the hover shows at most: enough to judge, short enough to read. */
const HOVER_SLOTS = 5;
const HOVER_CHUNK_LINES = 12;

interface Shown {
  needle: LocatedNeedle;
  uri: string;
  spans: vscode.DecorationOptions[];
  note: vscode.DecorationOptions[];
  at: vscode.Position;
}

export class NeedleInline implements vscode.Disposable {
  private readonly spanType = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor("editor.findMatchHighlightBackground"),
    border: "1px solid",
    borderColor: new vscode.ThemeColor("editor.findMatchBorder"),
    borderRadius: "2px",
  });
  private readonly noteType = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor("editorCodeLens.foreground"), fontStyle: "italic", margin: "0 0 0 2em" },
  });
  private shown: Shown | undefined;
  private readonly listeners = [
    vscode.workspace.onDidChangeTextDocument((e) => {
      // The spans would drift with the edit; the answer may no longer hold.
      if (e.contentChanges.length > 0 && e.document.uri.toString() === this.shown?.uri) this.clear();
    }),
    // An editor shown again is a new editor without our decorations.
    vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((editor) => this.decorate(editor))),
  ];

  async show(needle: LocatedNeedle, evidence: MemoryHit | undefined): Promise<void> {
    this.clear();
    const editor = await vscode.window.showTextDocument(needle.uri, { preview: true });
    const document = editor.document;
    const primary = spanOf(document, needle);
    const others = this.others(needle).length;
    const hover = hoverFor(needle, evidence, document, others);
    const answers = needle.answers?.length ? needle.answers.filter((a) => a.file === needle.file) : [needle];
    const end = document.lineAt(primary.start.line).range.end;
    this.shown = {
      needle,
      uri: document.uri.toString(),
      spans: answers.map((answer) => ({ range: spanOf(document, answer), hoverMessage: hover })),
      note: [{ range: new vscode.Range(end, end), hoverMessage: hover, renderOptions: { after: { contentText: `LongLens: ${needle.answer} · confidence ${percent(needle.confidence)}` } } }],
      at: primary.start,
    };
    // The cursor at the value, not a selection over it, so the highlight stays visible.
    editor.selection = new vscode.Selection(primary.start, primary.start);
    editor.revealRange(primary, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.decorate(editor);
    void vscode.window
      .showInformationMessage(
        `LongLens: “${needle.answer}” at ${vscode.workspace.asRelativePath(needle.uri)}:${needle.line} (confidence ${percent(needle.confidence)}).`,
        ...(others > 0 ? [`Other Candidates (${others})`] : []),
      )
      .then((choice) => (choice ? this.peekCandidates() : undefined))
      .then(undefined, (error: unknown) => void vscode.window.showErrorMessage(`LongLens: ${describeError(error)}`));
  }

  /** The other places the model read, in a peek view at the answer. */
  async peekCandidates(): Promise<void> {
    if (!this.shown) throw new LongLensError("There is no needle answer to compare: run LongLens: Find Needle first.");
    const { needle, at } = this.shown;
    const others = this.others(needle);
    if (others.length === 0) {
      void vscode.window.showInformationMessage("LongLens: the model read no other place for this question.");
      return;
    }
    await vscode.commands.executeCommand("editor.action.peekLocations", needle.uri, at, others, "peek");
  }

  dispose(): void {
    this.clear();
    this.spanType.dispose();
    this.noteType.dispose();
    for (const listener of this.listeners) listener.dispose();
  }

  private clear(): void {
    const uri = this.shown?.uri;
    this.shown = undefined;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== uri) continue;
      editor.setDecorations(this.spanType, []);
      editor.setDecorations(this.noteType, []);
    }
  }

  private decorate(editor: vscode.TextEditor): void {
    if (!this.shown || editor.document.uri.toString() !== this.shown.uri) return;
    editor.setDecorations(this.spanType, this.shown.spans);
    editor.setDecorations(this.noteType, this.shown.note);
  }

  /** The candidates the model read (else the lexical hits) other than the answer's line, one per line. */
  private others(needle: LocatedNeedle): vscode.Location[] {
    const places = needle.candidates?.length ? needle.candidates : needle.hits.map((hit) => ({ file: hit.file, line: hit.startLine }));
    const seen = new Set([`${needle.file}:${needle.line}`]);
    const locations: vscode.Location[] = [];
    for (const { file, line } of places) {
      const key = `${file}:${line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      locations.push(new vscode.Location(vscode.Uri.joinPath(needle.folderUri, file), new vscode.Position(line - 1, 0)));
    }
    return locations;
  }
}

/** The value's columns on its line when the engine found them, else the line's text. */
function spanOf(document: vscode.TextDocument, place: { line: number; column?: number | undefined; endColumn?: number | undefined }): vscode.Range {
  const line = document.lineAt(Math.max(0, Math.min(place.line, document.lineCount) - 1));
  if (place.column !== undefined && place.endColumn !== undefined) {
    return new vscode.Range(line.lineNumber, place.column - 1, line.lineNumber, place.endColumn - 1);
  }
  return new vscode.Range(line.lineNumber, line.firstNonWhitespaceCharacterIndex, line.lineNumber, line.text.length);
}

function hoverFor(needle: LocatedNeedle, evidence: MemoryHit | undefined, document: vscode.TextDocument, others: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.isTrusted = { enabledCommands: [PEEK_COMMAND] };
  md.appendMarkdown("**LongLens needle:** ").appendText(needle.answer).appendMarkdown(` · confidence ${percent(needle.confidence)}\n\n`);
  md.appendMarkdown("Question: ").appendText(needle.question).appendMarkdown("\n\n");
  if (!evidence) {
    md.appendMarkdown("_The memory points at no slot written at this line: the answer rests on the lexical index and the model's reading._\n\n");
  } else {
    md.appendMarkdown(`**Evidence:** the question's strongest memory reads (${evidence.votes.toFixed(2)} votes), each last written inside the chunk at `);
    md.appendMarkdown(`${link(needle, evidence.file, evidence.startLine, `${evidence.file}:${evidence.startLine}-${evidence.endLine}`)}\n\n`);
    // Shard names are content hashes: worth a column only when the reads come from several shards.
    const shards = new Set(evidence.slots.map((slot) => slot.shard)).size > 1;
    md.appendMarkdown(`| ${shards ? "shard | " : ""}slot | weight | writes | written at |\n|${shards ? "---|" : ""}---:|---:|---:|---|\n`);
    for (const slot of strongestSlots(evidence, HOVER_SLOTS)) {
      const writer = link(needle, slot.writer.path, slot.writer.line, `${slot.writer.path}:${slot.writer.line}`);
      md.appendMarkdown(`| ${shards ? `${escapeMarkdown(slot.shard)} | ` : ""}${slot.slot} | ${slot.weight.toFixed(3)} | ${slot.writes} | ${writer} |\n`);
    }
    md.appendMarkdown("\n");
    if (evidence.file === needle.file) {
      const first = Math.max(evidence.startLine - 1, 0);
      const last = Math.min(evidence.endLine, first + HOVER_CHUNK_LINES, document.lineCount) - 1;
      md.appendCodeblock(document.getText(new vscode.Range(first, 0, last, document.lineAt(Math.max(last, first)).text.length)), document.languageId);
    }
  }
  if (others > 0) md.appendMarkdown(`[Show ${others} other candidate${others === 1 ? "" : "s"}](command:${PEEK_COMMAND})`);
  return md;
}

/** A Markdown link to file:line of the needle's folder; the label escaped (file names may hold markup). */
function link(needle: LocatedNeedle, file: string, line: number, label: string): string {
  const uri = vscode.Uri.joinPath(needle.folderUri, file).with({ fragment: `L${line}` });
  return `[${escapeMarkdown(label)}](${uri.toString()})`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&]/g, "\\$&");
}

function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}
