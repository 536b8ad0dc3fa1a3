// The memory view behind the inspector and hits panels: the slots a question or a token reads in the memory of
// the workspace folder a document belongs to, and opening the code that last wrote one of them.
import * as vscode from "vscode";
import { describeError, LongLensError, type MemoryReader } from "../../engine";
import type { MemoryState, SlotChoice } from "../../shared/messages";
import type { FolderWorkspaces } from "../folderWorkspaces";
import { revealLines } from "../questionFlow";

/** A memory view as a panel shows it, with the folder its writers' paths are relative to. */
export interface FolderMemory {
  state: MemoryState;
  folder?: vscode.WorkspaceFolder;
}

/** Reads the memory of `uri`'s folder; every failure becomes the view's reason (the panel still shows the rest). */
export async function readFolderMemory(workspaces: FolderWorkspaces, uri: vscode.Uri, reader: MemoryReader): Promise<FolderMemory> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder || folder.uri.scheme !== "file") {
    return { state: { reason: "This file is outside the workspace's folders: LongLens reads the memory of the folders it indexes." } };
  }
  try {
    return { state: await (await workspaces.get(folder)).memoryReads(reader), folder };
  } catch (error) {
    return { state: { reason: describeError(error) } };
  }
}

/** Opens the line that last wrote slot `choice` of the view shown. */
export async function openWriter(memory: FolderMemory | undefined, choice: SlotChoice): Promise<null> {
  const view = memory && "view" in memory.state ? memory.state.view : undefined;
  const writer = view?.shards[choice.shard]?.slots[choice.slot]?.writer;
  if (!writer || !memory?.folder) throw new LongLensError("That slot is no longer in the memory view shown; read it again.");
  await revealLines(vscode.Uri.joinPath(memory.folder.uri, writer.file), writer.line, writer.line);
  return null;
}
