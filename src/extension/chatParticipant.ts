// The @longlens chat participant: /ask (the default) lists the ranked hits, each an anchor and a reference;
// /needle gives the value a question names. Where VS Code offers a language model and the user allows it,
// a short answer composed from the hits alone follows them, saying which hits it used.
import * as vscode from "vscode";
import { describeError, questionProblem } from "../engine";
import { askFolders, type LocatedHit } from "./askCommand";
import { needleEvidence, needleFolders, strongestSlots } from "./needleResults";
import { indexedWorkspaces } from "./questionFlow";
import type { Services } from "./services";

export const PARTICIPANT_ID = "longlens.chat";
/** Hits listed in a chat answer, and the share of them the language model reads. */
const CHAT_HITS = 10;
const MODEL_HITS = 6;
const MODEL_SNIPPET_CHARS = 1_500;

interface LongLensChatResult extends vscode.ChatResult {
  metadata: { command: "ask" | "needle"; question: string };
}

export function registerChatParticipant(context: vscode.ExtensionContext, services: Services): void {
  // Hosts without chat (older or stripped-down builds) still get every command.
  if (typeof vscode.chat?.createChatParticipant !== "function") return;
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, chatHandler(services));
  participant.iconPath = new vscode.ThemeIcon("search");
  participant.followupProvider = { provideFollowups: chatFollowups };
  context.subscriptions.push(participant);
}

export function chatHandler(services: Services): vscode.ChatRequestHandler {
  return async (request, _context, stream, token): Promise<LongLensChatResult> => {
    const command = request.command === "needle" ? "needle" : "ask";
    const question = request.prompt.trim();
    const result: LongLensChatResult = { metadata: { command, question } };
    const problem = questionProblem(question);
    if (problem) {
      stream.markdown(text(`${problem} For example: @longlens /${command} where is the reminder time computed?`));
      return result;
    }
    const controller = new AbortController();
    const cancelling = token.onCancellationRequested(() => controller.abort());
    try {
      stream.progress("Checking the index…");
      const folders = await indexedWorkspaces(services.workspaces, services.indexer, {
        interactive: false,
        onProgress: (message) => stream.progress(`Indexing: ${message}`),
      });
      if (command === "needle") await needleReply(folders, question, stream, controller.signal);
      else await askReply(services, folders, question, stream, token, controller.signal);
      return result;
    } catch (error) {
      if (token.isCancellationRequested) return result;
      services.output.appendLine(`@longlens failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { ...result, errorDetails: { message: `LongLens: ${describeError(error)}` } };
    } finally {
      cancelling.dispose();
    }
  };
}

type Folders = Awaited<ReturnType<typeof indexedWorkspaces>>;

async function askReply(services: Services, folders: Folders, question: string, stream: vscode.ChatResponseStream, token: vscode.CancellationToken, signal: AbortSignal) {
  stream.progress(`Searching ${folders.length === 1 ? folders[0]!.folder.name : `${folders.length} folders`}…`);
  const hits = (await askFolders(folders, question, signal)).slice(0, CHAT_HITS);
  services.hits.show(question, hits);
  if (hits.length === 0) {
    stream.markdown(text(`No code matches “${question}”. Try other words, or the names the code uses.`));
    return;
  }
  stream.markdown(text(`${hits.length} hit${hits.length === 1 ? "" : "s"} for “${question}”, best first:`).appendMarkdown("\n\n"));
  hits.forEach((hit, i) => {
    const location = locationOf(hit);
    stream.reference(location);
    stream.markdown(`${i + 1}. `);
    stream.anchor(location, `${vscode.workspace.asRelativePath(hit.uri)}:${hit.startLine}-${hit.endLine}`);
    stream.markdown(text(` · score ${hit.score.toFixed(2)} · found by ${hit.sources.join(", ")}`).appendMarkdown("\n"));
  });
  stream.button({ command: "longlens.showHits", title: "Show in the Hits View" });
  await composeAnswer(question, hits, stream, token);
}

/** A few sentences from a language model, given only the top hits; the hits above stand without it. */
async function composeAnswer(question: string, hits: LocatedHit[], stream: vscode.ChatResponseStream, token: vscode.CancellationToken) {
  if (!vscode.workspace.getConfiguration("longlens").get<boolean>("chat.useLanguageModel", true)) return;
  try {
    const [model] = await vscode.lm.selectChatModels();
    if (!model) {
      stream.markdown("\n\n_No language model is available in VS Code, so LongLens answers with the hits alone._");
      return;
    }
    await streamAnswer(model, question, hits, stream, token);
  } catch (error) {
    // No consent, quota, model gone: the hits are the answer.
    const why = error instanceof vscode.LanguageModelError ? `${error.code}: ${error.message}` : describeError(error);
    stream.markdown(new vscode.MarkdownString("\n\n").appendText(`No composed answer (${why}); the hits above are LongLens's answer.`));
  }
}

async function streamAnswer(model: vscode.LanguageModelChat, question: string, hits: LocatedHit[], stream: vscode.ChatResponseStream, token: vscode.CancellationToken) {
  const used = hits.slice(0, MODEL_HITS);
  const excerpts = used.map((hit, i) => `[${i + 1}] ${vscode.workspace.asRelativePath(hit.uri)}:${hit.startLine}-${hit.endLine}\n${hit.snippet.slice(0, MODEL_SNIPPET_CHARS)}`);
  const prompt = [
    "Answer the question about a codebase in at most four sentences, using only the numbered code excerpts below.",
    "Cite every excerpt you use as [n]. If the excerpts do not answer the question, say so; use no other knowledge.",
    `Question: ${question}`,
    ...excerpts,
  ].join("\n\n");
  stream.progress(`Composing a short answer with ${model.name} from the top ${used.length} hits…`);
  const response = await model.sendRequest(
    [vscode.LanguageModelChatMessage.User(prompt)],
    { justification: `LongLens sends the top ${used.length} hits it found in your code (and nothing else) to compose a short answer.` },
    token,
  );
  stream.markdown(`\n\n**Answer** (${text(model.name).value}, from the hits only):\n\n`);
  let answer = "";
  for await (const part of response.text) {
    answer += part;
    stream.markdown(part);
  }
  // The hits it cites, by their numbers in the list above (the prompt numbers them the same way).
  const cited = [...new Set([...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))].filter((n) => n >= 1 && n <= used.length).sort((a, b) => a - b);
  stream.markdown(`\n\n_Hits used: ${cited.length > 0 ? cited.join(", ") : "none cited"}._`);
}

async function needleReply(folders: Folders, question: string, stream: vscode.ChatResponseStream, signal: AbortSignal) {
  stream.progress("Reading the places the memory and the index point to…");
  const needle = await needleFolders(folders, question, signal);
  if (!needle || needle.answer === "") {
    stream.markdown(text(`No answer for “${question}”. ${needle?.reason ?? "Nothing in the index matches it."}`));
    if (needle) {
      const closest = new vscode.Location(needle.uri, new vscode.Position(needle.line - 1, 0));
      stream.markdown("\n\nThe closest line: ");
      stream.anchor(closest, `${vscode.workspace.asRelativePath(needle.uri)}:${needle.line}`);
    }
    return;
  }
  const line = needle.line - 1;
  const span = needle.column !== undefined && needle.endColumn !== undefined
    ? new vscode.Range(line, needle.column - 1, line, needle.endColumn - 1)
    : new vscode.Range(line, 0, line, 0);
  const location = new vscode.Location(needle.uri, span);
  stream.reference(location);
  stream.markdown(text(`“${needle.answer}” · confidence ${Math.round(needle.confidence * 100)}% · at `));
  stream.anchor(location, `${vscode.workspace.asRelativePath(needle.uri)}:${needle.line}${needle.column ? `:${needle.column}` : ""}`);
  const evidence = await needleEvidence(folders, needle).catch(() => undefined);
  if (evidence) {
    const strongest = strongestSlots(evidence, 3);
    stream.markdown(new vscode.MarkdownString("\n\n").appendText(`The memory's strongest reads for the question (${strongest.map((s) => `slot ${s.slot}, weight ${s.weight.toFixed(3)}`).join("; ")}) were written by `));
    stream.anchor(new vscode.Location(vscode.Uri.joinPath(needle.folderUri, evidence.file), new vscode.Range(evidence.startLine - 1, 0, evidence.endLine - 1, 0)), `${evidence.file}:${evidence.startLine}-${evidence.endLine}`);
  }
  const others = (needle.candidates ?? []).filter((c) => c.file !== needle.file || c.line !== needle.line);
  if (others.length > 0) {
    stream.markdown("\n\nOther places the model read:\n\n");
    others.forEach((c, i) => {
      stream.markdown(`${i + 1}. `);
      stream.anchor(new vscode.Location(vscode.Uri.joinPath(needle.folderUri, c.file), new vscode.Position(c.line - 1, 0)), `${c.file}:${c.line}`);
      stream.markdown(text(` · found by ${c.sources.join(", ")}${c.supported ? ` · answered “${c.values.join(", ")}”` : ""}`).appendMarkdown("\n"));
    });
  }
}

export function chatFollowups(result: vscode.ChatResult): vscode.ChatFollowup[] {
  const metadata = (result as Partial<LongLensChatResult>).metadata;
  if (!metadata?.question) return [];
  return metadata.command === "ask"
    ? [{ prompt: metadata.question, command: "needle", label: "Find the exact value (/needle)" }]
    : [{ prompt: metadata.question, command: "ask", label: "List the ranked hits (/ask)" }];
}

function locationOf(hit: LocatedHit): vscode.Location {
  return new vscode.Location(hit.uri, new vscode.Range(hit.startLine - 1, 0, hit.endLine - 1, 0));
}

/** Text as Markdown that shows it literally: file names and questions may hold markup. */
function text(value: string): vscode.MarkdownString {
  return new vscode.MarkdownString().appendText(value);
}
