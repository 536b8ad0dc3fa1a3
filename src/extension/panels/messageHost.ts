// The extension's end of src/shared/messages.ts for one webview: answers its requests with typed handlers
// and pushes notifications. A handler that fails answers with the error's message; nothing escapes.
import * as vscode from "vscode";
import { describeError, LongLensError } from "../../engine";
import type { HostMessage, Notifications, Params, RequestName, Result, WebviewMessage } from "../../shared/messages";

export type Handlers<N extends RequestName> = { [M in N]: (params: Params<M>) => Promise<Result<M>> };

export class MessageHost<N extends RequestName> implements vscode.Disposable {
  private readonly listener: vscode.Disposable;

  /** `started` is called on each message from the page (see setPageInTurn). */
  constructor(
    private readonly webview: vscode.Webview,
    private readonly handlers: Handlers<N>,
    private readonly output: vscode.OutputChannel,
    started: () => void = () => undefined,
  ) {
    this.listener = webview.onDidReceiveMessage((message: WebviewMessage) => {
      started();
      void this.answer(message);
    });
  }

  notify<M extends keyof Notifications>(method: M, params: Notifications[M]): void {
    this.post({ kind: "notification", method, params });
  }

  dispose(): void {
    this.listener.dispose();
  }

  private async answer(message: WebviewMessage): Promise<void> {
    if (message?.kind !== "request" || typeof message.id !== "number") return;
    const handler = (this.handlers as Record<string, ((params: unknown) => Promise<unknown>) | undefined>)[message.method];
    try {
      if (!handler) throw new LongLensError(`Unknown request ${String(message.method)}`);
      this.post({ kind: "response", id: message.id, result: await handler(message.params) });
    } catch (error) {
      if (!(error instanceof LongLensError)) this.output.appendLine(`${message.method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.post({ kind: "response", id: message.id, error: describeError(error) });
    }
  }

  /** A webview that was closed meanwhile just drops the message. */
  private post(message: HostMessage): void {
    this.webview.postMessage(message).then(undefined, () => undefined);
  }
}
