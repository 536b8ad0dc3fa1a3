// Carries out one parsed command and writes its result to stdout.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { inspectFile, LongLensError, withMemory, type AskResult, type NeedleResult, Workspace } from "../engine";
import type { Command } from "./arguments";
import { askText, indexText, needleText } from "./humanOutput";
import { inspectText } from "./inspectText";
import { withInterrupt } from "./interrupt";
import { writeOutput } from "./output";
import { progressLine } from "./progress";
import { readQuestions } from "./questions";
import { printable } from "./terminalText";
import { HELP } from "./usage";

type QuestionCommand = Extract<Command, { kind: "ask" | "needle" }>;

export async function runCommand(command: Command, version: string): Promise<void> {
  switch (command.kind) {
    case "help":
      return writeOutput(HELP);
    case "version":
      return writeOutput(`${version}\n`);
    case "inspect": {
      const { file, lines, token, variant, question } = command;
      const inspected = await inspectFile(file, { lines, token, variant });
      const result = await withMemory(inspected, file, { question, root: command.in, storeDir: command.store });
      return writeOutput(command.json ? toJson(result) : inspectText(result));
    }
    case "index":
      return withWorkspace(command, false, async (workspace, signal) => {
        const progress = progressLine();
        const result = await workspace.index({ signal, onProgress: progress.onProgress }).finally(progress.clear);
        await writeOutput(command.json ? toJson(result) : indexText(result));
      });
    case "ask":
    case "needle":
      return answerQuestions(command);
  }
}

/** Answers each question in order, with the workspace (and its store) opened once. */
async function answerQuestions(command: QuestionCommand): Promise<void> {
  // Read the batch before opening the workspace: a bad batch file should not cost an index run.
  const questions = await readQuestions(command.questions);
  const isBatch = "batchFile" in command.questions;
  await withWorkspace(command, true, async (workspace, signal) => {
    for (const question of questions) {
      const progress = progressLine();
      const options = { signal, onProgress: progress.onProgress };
      const answering: Promise<AskResult | NeedleResult> =
        command.kind === "ask"
          ? workspace.ask(question, command.top === undefined ? options : { ...options, top: command.top })
          : workspace.needle(question, options);
      const result = await answering.finally(progress.clear);
      if (command.json) await writeOutput(isBatch ? `${JSON.stringify(result)}\n` : toJson(result));
      else await writeOutput(`${isBatch ? `? ${printable(question)}\n` : ""}${"answer" in result ? needleText(result) : askText(result)}`);
    }
  });
}

/** Runs `work` on an opened workspace; `stopAtOnce` for work that writes nothing of its own (see withInterrupt). */
async function withWorkspace(
  { path, store, allowOutside }: Extract<Command, { kind: "index" | "ask" | "needle" }>,
  stopAtOnce: boolean,
  work: (workspace: Workspace, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const allowedOutsideRoots = await existingFolders(allowOutside);
  const workspace = await Workspace.open(path, { ...(store === undefined ? {} : { storeDir: store }), allowedOutsideRoots });
  try {
    await withInterrupt((signal) => work(workspace, signal), stopAtOnce);
  } finally {
    workspace.dispose();
  }
}

/** The --allow-outside folders, absolute; one that is missing or not a folder is an error, not a silent no-op. */
async function existingFolders(folders: readonly string[]): Promise<string[]> {
  return Promise.all(
    folders.map(async (folder) => {
      const isFolder = await stat(folder).then((s) => s.isDirectory(), () => false);
      if (!isFolder) throw new LongLensError(`--allow-outside ${printable(folder)} is not a folder`);
      return resolve(folder);
    }),
  );
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
