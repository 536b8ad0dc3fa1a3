// "LongLens: Ask the Codebase": ranked file:line hits in a quick pick; picking one opens it.
import * as vscode from "vscode";
import type { Hit } from "../engine";
import { firstLine } from "../shared/snippet";
import type { FolderWorkspace } from "./folderWorkspaces";
import { questionForFolders, revealLines } from "./questionFlow";
import { registerCommand } from "./registerCommand";
import type { Services } from "./services";

/** A hit with the file it points at, across all workspace folders. */
export interface LocatedHit extends Hit {
  uri: vscode.Uri;
}

/** The question's hits in every folder, best first. */
export async function askFolders(folders: FolderWorkspace[], question: string, signal?: AbortSignal): Promise<LocatedHit[]> {
  const hits: LocatedHit[] = [];
  for (const { folder, workspace } of folders) {
    const result = await workspace.ask(question, signal ? { signal } : {});
    hits.push(...result.hits.map((hit) => ({ ...hit, uri: vscode.Uri.joinPath(folder.uri, hit.file) })));
  }
  return hits.sort((a, b) => b.score - a.score);
}

export function registerAskCommand(context: vscode.ExtensionContext, services: Services): void {
  registerCommand(context, services.output, "longlens.ask", async (arg) => {
    const asked = await questionForFolders(arg, "Ask the codebase", services);
    if (!asked) return undefined;
    const { question, folders } = asked;
    const hits = await askFolders(folders, question);
    services.hits.show(question, hits);
    // Called with a question (tests, other extensions): hand the hits back, show nothing.
    if (typeof arg === "string") return hits;
    if (hits.length === 0) {
      void vscode.window.showInformationMessage(`LongLens: no matches for “${question}”`);
      return hits;
    }
    const picked = await vscode.window.showQuickPick(
      hits.map((hit) => ({
        label: `${vscode.workspace.asRelativePath(hit.uri)}:${hit.startLine}`,
        description: `lines ${hit.startLine}-${hit.endLine} · ${hit.score.toFixed(2)}`,
        detail: firstLine(hit.snippet),
        hit,
      })),
      { title: `LongLens: ${question}`, matchOnDescription: true, matchOnDetail: true },
    );
    if (picked) await revealLines(picked.hit.uri, picked.hit.startLine, picked.hit.endLine);
    return hits;
  });
}
