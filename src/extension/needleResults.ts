// A needle question over every folder of the window, and the memory's evidence for its answer: shared by
// Find Needle (needleCommand.ts, needleInline.ts) and @longlens /needle (chatParticipant.ts).
import * as vscode from "vscode";
import { type MemoryHit, type NeedleResult, memoryPrompt } from "../engine";
import type { FolderWorkspace } from "./folderWorkspaces";

export interface LocatedNeedle extends NeedleResult {
  question: string;
  /** The answer's file, and the folder its paths are relative to. */
  uri: vscode.Uri;
  folderUri: vscode.Uri;
}

/** The best answer over every folder: an answer beats none, then the higher confidence; without any, the best lexical line. */
export async function needleFolders(folders: FolderWorkspace[], question: string, signal?: AbortSignal): Promise<LocatedNeedle | undefined> {
  let best: LocatedNeedle | undefined;
  for (const { folder, workspace } of folders) {
    const result = await workspace.needle(question, signal ? { signal } : {});
    if (result.file === "") continue;
    const located = { ...result, question, uri: vscode.Uri.joinPath(folder.uri, result.file), folderUri: folder.uri };
    const better = !best || (located.answer !== "" && (best.answer === "" || located.confidence > best.confidence));
    if (better) best = located;
  }
  return best;
}

/** The memory's evidence for a needle: the chunk of the reading its slot reads vote for, at the answer if any. */
export async function needleEvidence(folders: FolderWorkspace[], needle: LocatedNeedle): Promise<MemoryHit | undefined> {
  const entry = folders.find(({ folder }) => folder.uri.toString() === needle.folderUri.toString());
  if (!entry) return undefined;
  const hits = await entry.workspace.memoryHits(memoryPrompt(needle.question));
  return hits.find((hit) => hit.file === needle.file && hit.startLine <= needle.line && needle.line <= hit.endLine);
}

type Slot = MemoryHit["slots"][number];

/** The evidence's slots by total weight, each once: every token of the question reads slots, often the same ones. */
export function strongestSlots(evidence: MemoryHit, count: number): Slot[] {
  const merged = new Map<string, Slot>();
  for (const slot of evidence.slots) {
    const key = `${slot.shard}#${slot.slot}`;
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, weight: seen.weight + slot.weight } : slot);
  }
  return [...merged.values()].sort((a, b) => b.weight - a.weight).slice(0, count);
}
