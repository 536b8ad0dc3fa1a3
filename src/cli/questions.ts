// Where ask/needle questions come from: the command line, or a batch file with one per line.
import { readFile } from "node:fs/promises";
import { LongLensError, errorCode } from "../engine";
import type { QuestionSource } from "./arguments";

export async function readQuestions(source: QuestionSource): Promise<string[]> {
  if ("question" in source) return [source.question];
  let text: string;
  try {
    text = await readFile(source.batchFile, "utf8");
  } catch (error) {
    throw new LongLensError(`Cannot read batch file ${source.batchFile} (${errorCode(error)})`);
  }
  const questions = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (questions.length === 0) throw new LongLensError(`Batch file ${source.batchFile} has no questions (one per line)`);
  return questions;
}
