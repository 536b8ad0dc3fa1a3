// `inspect --question` / `--token` for the CLI: the memory view of an inspection, read from the index of the
// folder the file belongs to (the nearest one above it that has an index, unless one is named).
import path from "node:path";
import type { InspectResult } from "../../shared/inspectData";
import { defaultStoreDir } from "../store/defaultStoreDir";
import { checkStore } from "../store/readStore";
import { StoreLayout } from "../store/storeLayout";
import { Workspace, type MemoryReader } from "../workspace";
import { readTextFile } from "./textWindow";

export interface MemoryChoice {
  /** The question whose reads to show; else the inspection's token (attention.token), if any. */
  question?: string;
  /** The indexed folder or file whose memory to read (default: the nearest indexed one holding the file). */
  root?: string;
  /** Its store folder (default: the per-user cache's). */
  storeDir?: string;
}

/** The file itself or the nearest folder above it with an index in the default store location. */
export async function indexedRootOf(file: string): Promise<string | undefined> {
  for (let dir = path.resolve(file); ; dir = path.dirname(dir)) {
    if ((await checkStore(new StoreLayout(defaultStoreDir(dir)))).usable) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** `result` with its memory view (or the reason there is none); unchanged when nothing reads the memory. */
export async function withMemory(result: InspectResult, file: string, choice: MemoryChoice): Promise<InspectResult> {
  const { token } = result.attention;
  let reader: MemoryReader;
  if (choice.question !== undefined) reader = { question: choice.question };
  else if (token !== undefined) reader = { text: await readTextFile(file), start: result.tokens[token]!.start, end: result.tokens[token]!.end, token };
  else return result;
  const root = choice.root ?? (await indexedRootOf(file));
  if (root === undefined) {
    return { ...result, memory: null, memoryReason: `Neither ${file} nor a folder above it has an index: run longlens index <folder> first, or name the indexed folder with --in.` };
  }
  const workspace = await Workspace.open(root, choice.storeDir === undefined ? {} : { storeDir: choice.storeDir });
  try {
    const read = await workspace.memoryReads(reader);
    return "view" in read
      ? { ...result, analyses: [...result.analyses, "memory"], memory: read.view }
      : { ...result, memory: null, memoryReason: read.reason };
  } finally {
    workspace.dispose();
  }
}
