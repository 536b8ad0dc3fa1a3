// The one protocol between the extension and its webviews, imported by both sides: each request is
// "namespace/verb" -> [params, result]; each notification (extension -> webview) is "namespace/verb" -> params.
import type { InspectResult, InspectVariant, MemoryView } from "./inspectData";
import type { Packed } from "./packed";

/** What a panel shows: a document's lines, as the panel serializer stores it to restore after a reload. */
export interface InspectTarget {
  uri: string;
  /** The name shown for the document (a workspace-relative path). */
  label: string;
  lines: [number, number];
  variant: InspectVariant;
}

/** A panel's content: the data, or why there is none (shown as a message, never thrown). */
export type PanelState<T> = { status: "ready"; data: T } | { status: "loading" | "error"; message: string };

export interface InspectorData {
  target: InspectTarget;
  result: InspectResult;
  /** Wall clock (ms since the epoch) when the user asked: the webview reports how long opening took. */
  requestedAt: number;
  /** Wall clock when the extension posted it: opening's time splits into the model, the transfer and drawing. */
  postedAt?: number;
}

/** The memory view of a panel: the slots a token or question read, or why none could be read. */
export type MemoryState = { view: MemoryView } | { reason: string };

/** A slot of the memory view shown: the view's shard `shard`, its slot `slot` (indices into the lists). */
export interface SlotChoice {
  shard: number;
  slot: number;
}

/** One hit of the last question, as the Hits view lists it. */
export interface HitRow {
  /** Workspace-relative path, forward slashes. */
  file: string;
  startLine: number;
  endLine: number;
  score: number;
  snippet: string;
  /** Which signals found it: "lexical", "memory", "semantic", ... */
  sources: string[];
}

export interface HitsData {
  question: string;
  hits: HitRow[];
  /** The slots the question read in the memory of the top hit's folder; absent while they are read. */
  memory?: MemoryState;
}

export interface Requests {
  /** The webview is ready (first load or after a reload): what should it show? */
  "inspector/ready": [null, PanelState<InspectorData>];
  /** Run the same text through the other model variant. */
  "inspector/variant": [{ variant: InspectVariant }, PanelState<InspectorData>];
  /** The full attention rows [layers, heads, tokens] of one query token. */
  "inspector/rows": [{ token: number }, { token: number; rows: Packed }];
  /** Show in the editor what `token` attends to: its strongest keys as [token index, weight] (null clears). */
  "inspector/decorate": [{ token: number; keys: [number, number][] } | null, null];
  /** Save the current view as PNG (a data: URL from the canvas) or the data as JSON; returns the saved path. */
  "inspector/export": [{ format: "png"; dataUrl: string } | { format: "json"; selection: { layer: number; head: number; token?: number } }, { saved?: string }];
  /** The memory slots a token of the window reads, or those the last question asked (Ask, @longlens) read. */
  "inspector/memory": [{ token: number } | { lastQuestion: true }, MemoryState];
  /** Open in the editor the code that last wrote a slot of the memory view shown. */
  "inspector/openWriter": [SlotChoice, null];
  "folding/ready": [null, PanelState<InspectorData>];
  /** Dim in the editor the tokens this head folds away (null: stop dimming). */
  "folding/dim": [{ layer: number; head: number } | null, null];
  "hits/ready": [null, PanelState<HitsData>];
  /** Open hit `index` of the list at its lines. */
  "hits/open": [{ index: number }, null];
  /** Open in the editor the code that last wrote a slot of the question's memory view. */
  "hits/openWriter": [SlotChoice, null];
}

export interface Notifications {
  "inspector/show": PanelState<InspectorData>;
  "folding/show": PanelState<InspectorData>;
  "hits/show": PanelState<HitsData>;
}

export type RequestName = keyof Requests;
export type Params<N extends RequestName> = Requests[N][0];
export type Result<N extends RequestName> = Requests[N][1];

/** On the wire. */
export type WebviewMessage = { kind: "request"; id: number; method: RequestName; params: unknown };
export type HostMessage =
  | { kind: "response"; id: number; result: unknown }
  | { kind: "response"; id: number; error: string }
  | { kind: "notification"; method: keyof Notifications; params: unknown };
