// Stand-ins for what code-server lacks: a default chat agent (it answers only what nobody else is asked) and a
// language model whose reply is fixed, citing the first excerpt it was sent, so the test can read LongLens's
// use of it: the answer shown under the hits, and the hits it says were used.
const vscode = require("vscode");

const MODEL = { vendor: "longlens-e2e", name: "E2E stand-in model", family: "stand-in", version: "1", maxInputTokens: 100000, maxOutputTokens: 1000, isDefault: true, isUserSelectable: true };

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.chat.createChatParticipant("longlens-e2e.default", (_request, _context, stream) => {
      stream.markdown("This is the e2e run's stand-in agent; ask @longlens.");
      return {};
    }),
    vscode.lm.registerChatModelProvider("stand-in", {
      async provideLanguageModelResponse(messages, _options, _extensionId, progress) {
        const prompt = messages.map((m) => m.content.map((part) => part.value ?? "").join("")).join("\n");
        const excerpts = (prompt.match(/^\[\d+\] /gm) ?? []).length;
        progress.report({ index: 0, part: new vscode.LanguageModelTextPart(`The stand-in read ${excerpts} excerpts; the first answers it [1].`) });
      },
      async provideTokenCount(text) {
        return typeof text === "string" ? Math.ceil(text.length / 4) : 1;
      },
    }, MODEL),
  );
};
