// The @longlens participant's handler, called as the chat view calls it, with a stream that records every
// part. The chat view itself cannot be driven in the end-to-end run: code-server 4.100 ships no default chat
// agent, so it offers no chat view at all. Without Copilot, vscode.lm offers no model: the hits answer alone.
import * as assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { chatFollowups, chatHandler } from "../../../src/extension/chatParticipant";
import { FolderWorkspaces } from "../../../src/extension/folderWorkspaces";
import { Indexer } from "../../../src/extension/indexer";
import type { HitsView } from "../../../src/extension/panels/hitsView";
import type { Services } from "../../../src/extension/services";
import { IndexStatusBar } from "../../../src/extension/statusBar";

interface Recorded {
  progress: string[];
  markdown: string;
  anchors: { target: vscode.Uri | vscode.Location; title?: string }[];
  references: (vscode.Uri | vscode.Location)[];
  buttons: vscode.Command[];
}

function recordingStream(): { stream: vscode.ChatResponseStream; recorded: Recorded } {
  const recorded: Recorded = { progress: [], markdown: "", anchors: [], references: [], buttons: [] };
  const stream = {
    markdown: (value: string | vscode.MarkdownString) => void (recorded.markdown += typeof value === "string" ? value : asText(value)),
    anchor: (target: vscode.Uri | vscode.Location, title?: string) => void recorded.anchors.push(title === undefined ? { target } : { target, title }),
    reference: (target: vscode.Uri | vscode.Location) => void recorded.references.push(target),
    progress: (message: string) => void recorded.progress.push(message),
    button: (command: vscode.Command) => void recorded.buttons.push(command),
    filetree: () => undefined,
    push: () => undefined,
  } satisfies vscode.ChatResponseStream;
  return { stream, recorded };
}

/** What appendText wrote, as the reader sees it: it escapes Markdown and turns spaces into &nbsp;. */
function asText(markdown: vscode.MarkdownString): string {
  return markdown.value.replace(/&nbsp;/g, " ").replace(/\\(.)/g, "$1");
}

function fileOf(target: vscode.Uri | vscode.Location): string {
  return path.basename(target instanceof vscode.Location ? target.uri.fsPath : target.fsPath);
}

suite("@longlens chat participant", () => {
  let services: Services;
  let shown: string | undefined;
  const token = new vscode.CancellationTokenSource().token;

  suiteSetup(async () => {
    const storage = vscode.Uri.file(await mkdtemp(path.join(tmpdir(), "longlens-chat-")));
    const context = { storageUri: storage, globalStorageUri: storage } as vscode.ExtensionContext;
    const output = vscode.window.createOutputChannel("LongLens chat test");
    const statusBar = new IndexStatusBar();
    // The extension's own Hits view is registered already; this one only records what it was asked to show.
    const hits = { show: (question: string) => void (shown = question) } as unknown as HitsView;
    services = { output, workspaces: new FolderWorkspaces(context), indexer: new Indexer(output, statusBar), statusBar, hits };
  });

  const ask = (prompt: string, command?: string) => {
    const { stream, recorded } = recordingStream();
    const request = { prompt, command, references: [] } as unknown as vscode.ChatRequest;
    const result = Promise.resolve(chatHandler(services)(request, { history: [] }, stream, token));
    return result.then((chatResult) => ({ result: chatResult ?? {}, recorded }));
  };

  test("a question: progress, then every hit as an anchor and a reference, in a list; hits alone without a language model", async () => {
    const { result, recorded } = await ask("compute the late fee of an overdue invoice");
    assert.equal(result.errorDetails, undefined, result.errorDetails?.message);
    assert.ok(recorded.progress.length > 0, "no progress was streamed");
    assert.ok(recorded.anchors.length > 0, "no hits");
    assert.equal(recorded.references.length, recorded.anchors.length, "a hit without its reference");
    assert.equal(fileOf(recorded.anchors[0]!.target), "invoice.ts");
    assert.match(recorded.markdown, /hits? for “compute the late fee of an overdue invoice”/);
    assert.match(recorded.markdown, /\n2\. /, "the hits are not a numbered list");
    if ((await vscode.lm.selectChatModels()).length === 0) assert.match(recorded.markdown, /No language model is available/);
    assert.equal(shown, "compute the late fee of an overdue invoice", "the Hits view was not updated");
    assert.deepEqual(chatFollowups(result).map((f) => f.command), ["needle"]);
  });

  test("/needle: the value's place as an anchor, or no answer said plainly with the closest line", async () => {
    const { result, recorded } = await ask("DATABASE_TIMEOUT_SECONDS", "needle");
    assert.equal(result.errorDetails, undefined, result.errorDetails?.message);
    assert.ok(recorded.anchors.some((a) => fileOf(a.target) === "settings.py"), JSON.stringify(recorded.anchors));
    assert.match(recorded.markdown, /confidence \d+%|No answer for/);
    assert.deepEqual(chatFollowups(result).map((f) => f.command), ["ask"]);
  });

  test("an empty question is answered with how to ask, not an error", async () => {
    const { result, recorded } = await ask("   ");
    assert.equal(result.errorDetails, undefined);
    assert.match(recorded.markdown, /question is empty/);
  });
});
