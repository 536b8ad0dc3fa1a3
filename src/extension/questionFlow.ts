// The steps Ask and Find Needle share: get a question, make sure every folder has an index,
// and show a hit's lines in an editor.
import * as vscode from "vscode";
import { checkQuestion, questionProblem } from "../engine";
import type { FolderWorkspace, FolderWorkspaces } from "./folderWorkspaces";
import type { Indexer, IndexRequest } from "./indexer";
import type { Services } from "./services";

/**
 * A question and the folders to ask, each with an index; undefined when the user dismissed the input box.
 * The question is the one passed by a caller (tests, other extensions), else `given` (say, the selection),
 * else one typed by the user.
 */
export async function questionForFolders(
  arg: unknown,
  prompt: string,
  { workspaces, indexer }: Pick<Services, "workspaces" | "indexer">,
  given?: string,
): Promise<{ question: string; folders: FolderWorkspace[] } | undefined> {
  workspaces.folders(); // "open a folder first" before asking anything
  const question = await questionFrom(typeof arg === "string" ? arg : given, prompt);
  if (question === undefined) return undefined;
  return { question, folders: await indexedWorkspaces(workspaces, indexer, { interactive: true }) };
}

function questionFrom(given: string | undefined, prompt: string): Thenable<string | undefined> {
  if (given !== undefined) {
    checkQuestion(given); // refuse before any indexing starts
    return Promise.resolve(given);
  }
  return vscode.window.showInputBox({ prompt, ignoreFocusOut: true, validateInput: questionProblem });
}

/**
 * The folders' workspaces, indexing those that have no index yet. A folder with an index is asked as it
 * stands, even while a re-index runs: the engine swaps generations atomically.
 */
export async function indexedWorkspaces(workspaces: FolderWorkspaces, indexer: Indexer, request: IndexRequest): Promise<FolderWorkspace[]> {
  const all = await workspaces.all();
  const missing = [];
  for (const entry of all) if (!(await entry.workspace.hasIndex())) missing.push(entry);
  if (missing.length > 0) await indexer.index(missing, request);
  return all;
}

/** Opens the file with lines startLine..endLine (1-based, inclusive) selected and in view. */
export async function revealLines(uri: vscode.Uri, startLine: number, endLine: number): Promise<void> {
  const editor = await vscode.window.showTextDocument(uri, { preview: true });
  const last = Math.min(endLine, editor.document.lineCount) - 1;
  const range = new vscode.Range(startLine - 1, 0, last, editor.document.lineAt(Math.max(last, 0)).text.length);
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
