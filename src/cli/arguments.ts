// Turns argv into one validated command, or a usage error.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { questionProblem } from "../engine";
import type { InspectVariant } from "../shared/inspectData";
import { usageError } from "./usage";

export type Command =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "index"; path: string; store?: string; allowOutside: string[]; json: boolean }
  | { kind: "ask" | "needle"; path: string; questions: QuestionSource; top?: number; store?: string; allowOutside: string[]; json: boolean }
  | {
      kind: "inspect";
      file: string;
      lines?: [number, number];
      token?: number;
      variant?: InspectVariant;
      /** The memory view: a question's reads (else --token's), from the index of `in` (default: found above the file). */
      question?: string;
      in?: string;
      store?: string;
      json: boolean;
    };

/** A question from the command line, or a batch file with one per line. */
export type QuestionSource = { question: string } | { batchFile: string };

type Options = NonNullable<ParseArgsConfig["options"]>;

const store = { type: "string" } as const;
const json = { type: "boolean", default: false } as const;
const batch = { type: "string" } as const;
/** Folders outside <path> that its symbolic links may lead into (the walker skips links to anywhere else). */
const allowOutside = { type: "string", multiple: true } as const;

const optionsByCommand: Record<"index" | "ask" | "needle" | "inspect", Options> = {
  index: { store, json, "allow-outside": allowOutside },
  ask: { store, json, batch, "allow-outside": allowOutside, top: { type: "string" } },
  needle: { store, json, batch, "allow-outside": allowOutside },
  inspect: { json, store, lines: { type: "string" }, token: { type: "string" }, variant: { type: "string" }, question: { type: "string" }, in: { type: "string" } },
};

export function parseCommand(argv: string[]): Command {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") return { kind: "help" };
  if (name === "-v" || name === "--version") return { kind: "version" };
  if (!(name in optionsByCommand)) throw usageError(`Unknown command '${name}'`);
  const kind = name as keyof typeof optionsByCommand;
  if (rest.includes("--help") || rest.includes("-h")) return { kind: "help" };
  const { values, positionals } = parseStrict(rest, optionsByCommand[kind]);
  const flag = (key: string) => values[key] as string | undefined;
  const isJson = values.json === true;

  if (kind === "inspect") {
    const [file] = expectPositionals(positionals, ["<file>"]);
    const [lines, token, variant, question, root] = [flag("lines"), flag("token"), flag("variant"), flag("question"), flag("in")];
    const problem = question === undefined ? undefined : questionProblem(question);
    if (problem) throw usageError(problem);
    if (root !== undefined) expectPath(root);
    const storeDir = parseStore(flag("store"));
    // A store is keyed by the folder it indexes: without --in there is no folder to look for in it.
    if (storeDir !== undefined && root === undefined) throw usageError("--store needs --in <indexed folder> with inspect");
    return {
      kind,
      file,
      json: isJson,
      ...(question === undefined ? {} : { question }),
      ...(root === undefined ? {} : { in: root }),
      ...(storeDir === undefined ? {} : { store: storeDir }),
      ...(lines === undefined ? {} : { lines: parseLineRange(lines) }),
      ...(token === undefined ? {} : { token: parseIndex(token, "--token") }),
      ...(variant === undefined ? {} : { variant: parseVariant(variant) }),
    };
  }
  const path = expectPath(positionals[0]);
  const outside = parseAllowOutside((values["allow-outside"] as string[] | undefined) ?? []);
  if (kind === "index") {
    expectPositionals(positionals, ["<path>"]);
    return { kind, path, store: parseStore(flag("store")), allowOutside: outside, json: isJson };
  }
  const batchFile = flag("batch");
  const question = positionals[1];
  if (positionals.length > 2) throw usageError(`Too many arguments; quote the question: longlens ${kind} <path> "<question>"`);
  if (batchFile !== undefined && question !== undefined) throw usageError("Give either a question or --batch FILE, not both");
  if (batchFile === undefined && question === undefined) throw usageError(`Missing question: longlens ${kind} <path> "<question>"`);
  const problem = question === undefined ? undefined : questionProblem(question);
  if (problem) throw usageError(problem);
  const top = flag("top");
  return {
    kind,
    path,
    questions: batchFile === undefined ? { question: question! } : { batchFile },
    store: parseStore(flag("store")),
    allowOutside: outside,
    json: isJson,
    ...(top === undefined ? {} : { top: parsePositiveInteger(top, "--top") }),
  };
}

function parseStrict(args: string[], options: Options) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's messages go on, over several lines, with advice about '--'; the first sentence is the useful part.
    throw usageError((error as Error).message.split(/\.\s/)[0]!);
  }
}

function expectPath(path: string | undefined): string {
  if (path === undefined || path === "") throw usageError("Missing <path>");
  return path;
}

function expectPositionals(positionals: string[], names: string[]): string[] {
  if (positionals.length < names.length || positionals.some((p) => p === "")) throw usageError(`Missing ${names[positionals.length] ?? names[0]}`);
  if (positionals.length > names.length) throw usageError(`Unexpected argument '${positionals[names.length]}'`);
  return positionals;
}

/** An empty --store would mean the current folder, which holds the user's files. */
function parseStore(text: string | undefined): string | undefined {
  if (text === "") throw usageError("--store needs a folder, not an empty string");
  return text;
}

/** An empty --allow-outside would mean the current folder: almost certainly a mistake, not a wish. */
function parseAllowOutside(folders: string[]): string[] {
  if (folders.includes("")) throw usageError("--allow-outside needs a folder, not an empty string");
  return folders;
}

function parsePositiveInteger(text: string, name: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw usageError(`${name} needs a whole number of 1 or more, not '${text}'`);
  return Number(text);
}

function parseIndex(text: string, name: string): number {
  if (!/^\d+$/.test(text)) throw usageError(`${name} needs a token index (0 or more), not '${text}'`);
  return Number(text);
}

function parseVariant(text: string): InspectVariant {
  if (text !== "longlens" && text !== "rope") throw usageError(`--variant is longlens or rope, not '${text}'`);
  return text;
}

/** "12-30" or "12" -> [12, 30] / [12, 12]. */
function parseLineRange(text: string): [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  const start = Number(match?.[1]);
  const end = Number(match?.[2] ?? match?.[1]);
  if (!match || start < 1 || end < start) throw usageError(`--lines needs A-B with 1 <= A <= B, not '${text}'`);
  return [start, end];
}
