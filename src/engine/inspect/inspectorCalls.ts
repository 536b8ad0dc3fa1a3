// What the inspector answers, on the calling thread (Inspector) or on its own (InspectorThread), and the
// messages between InspectorThread and its worker (inspectWorker.ts).
import type { InspectResult, InspectVariant } from "../../shared/inspectData";
import type { Packed } from "../../shared/packed";
import type { InspectOptions } from "./inspector";

export interface InspectorMethods {
  inspectText(text: string, name: string, options?: InspectOptions): Promise<InspectResult>;
  tokenRows(ids: readonly number[], token: number, variant?: InspectVariant): Promise<Packed>;
  preload(variant?: InspectVariant): Promise<void>;
}

export type InspectorMethod = keyof InspectorMethods;

export type InspectorCall = { [M in InspectorMethod]: { id: number; method: M; args: Parameters<InspectorMethods[M]> } }[InspectorMethod] | { id: number; method: "dispose"; args: [] };

/** A LongLensError keeps its code across the thread; any other failure (a bug) keeps its stack. */
export type InspectorReply =
  | { id: number; result: unknown }
  | { id: number; error: { message: string; code?: string; name?: string; stack?: string } };
