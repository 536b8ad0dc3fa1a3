// Messages between the memory pass and the pre graph's thread (preWorker.ts).

export interface PreWorkerSetup {
  modelsDir: string;
  threads: number;
}

export type PreRequest = { kind: "piece"; id: number; ids: Int32Array; reset: boolean } | { kind: "close" };

export type PreReply =
  | { id: number; ready: true }
  | { id: number; queries: Float32Array; values: Float32Array; gates: Float32Array }
  | { id: number; error: string };
