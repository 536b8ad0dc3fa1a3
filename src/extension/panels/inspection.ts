// What the inspector and folding panels show: the active editor's selection (or the lines around the cursor)
// run through the engine's Inspector, or a plain reason why not.
import * as vscode from "vscode";
import { describeError, LongLensError, type InspectOptions, type InspectorThread } from "../../engine";
import type { InspectVariant } from "../../shared/inspectData";
import type { InspectorData, InspectTarget, PanelState } from "../../shared/messages";

/** A document and which of its lines to read. */
export interface InspectRequest {
  uri: vscode.Uri;
  choice: { lines: [number, number] } | { around: number };
  variant: InspectVariant;
  requestedAt: number;
}

/** The selection's lines, or the lines around the cursor when nothing is selected. */
export function requestFromEditor(variant: InspectVariant): InspectRequest {
  // With a webview focused there is no active editor: the file beside it is still the one meant.
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
  if (!editor) throw new LongLensError("Open a file first: LongLens inspects the selection, or the lines around the cursor.");
  const { selection } = editor;
  // A selection ending at the start of a line does not take that line.
  const end = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line : selection.end.line + 1;
  const choice = selection.isEmpty ? { around: selection.active.line + 1 } : { lines: [selection.start.line + 1, end] as [number, number] };
  return { uri: editor.document.uri, choice, variant, requestedAt: Date.now() };
}

export function requestFromTarget(target: InspectTarget, variant = target.variant): InspectRequest {
  return { uri: vscode.Uri.parse(target.uri), choice: { lines: target.lines }, variant, requestedAt: Date.now() };
}

/** A panel's stored state is the webview's: check it before trusting it. */
export function storedTarget(state: unknown): InspectTarget | undefined {
  const target = (state as { target?: Partial<InspectTarget> } | undefined)?.target;
  const lines = target?.lines;
  const ok = typeof target?.uri === "string" && typeof target.label === "string" && (target.variant === "longlens" || target.variant === "rope") &&
    Array.isArray(lines) && lines.length === 2 && lines.every(Number.isInteger);
  return ok ? (target as InspectTarget) : undefined;
}

/** Runs the inspection; every failure becomes the panel's message (and the output channel's, for bugs). */
export async function inspect(inspector: InspectorThread, request: InspectRequest, output: vscode.OutputChannel): Promise<PanelState<InspectorData>> {
  try {
    const document = await vscode.workspace.openTextDocument(request.uri);
    const label = vscode.workspace.asRelativePath(request.uri);
    const options: InspectOptions = { ...request.choice, variant: request.variant };
    const result = await inspector.inspectText(document.getText(), label, options);
    const target: InspectTarget = { uri: request.uri.toString(), label, lines: [result.startLine, result.endLine], variant: request.variant };
    return { status: "ready", data: { target, result, requestedAt: request.requestedAt } };
  } catch (error) {
    if (!(error instanceof LongLensError)) output.appendLine(`inspect failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { status: "error", message: describeError(error) };
  }
}
