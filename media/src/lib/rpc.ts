// The webview's end of src/shared/messages.ts: typed requests to the extension, its notifications, and the
// state VS Code keeps for the panel across reloads.
import type { HostMessage, Notifications, Params, RequestName, Result, WebviewMessage } from "../../../src/shared/messages";

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called once per page.
const vscode = acquireVsCodeApi();
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
const listeners = new Map<string, (params: unknown) => void>();
let nextId = 1;

window.addEventListener("message", (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (message.kind === "notification") {
    listeners.get(message.method)?.(message.params);
    return;
  }
  const waiting = pending.get(message.id);
  pending.delete(message.id);
  if ("error" in message) waiting?.reject(new Error(message.error));
  else waiting?.resolve(message.result);
});

export function request<N extends RequestName>(method: N, params: Params<N>): Promise<Result<N>> {
  const id = nextId++;
  return new Promise<Result<N>>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    vscode.postMessage({ kind: "request", id, method, params });
  });
}

export function onNotification<N extends keyof Notifications>(method: N, handler: (params: Notifications[N]) => void): void {
  listeners.set(method, handler as (params: unknown) => void);
}

export function savedState<T extends object>(): Partial<T> {
  return (vscode.getState() as Partial<T> | undefined) ?? {};
}

export function saveState<T extends object>(state: T): void {
  vscode.setState(state);
}
