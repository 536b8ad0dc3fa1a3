// The engine's public surface: the CLI and the extension import from here, never from the engine's folders.
export { LongLensError, describeError } from "./errors";
export { Inspector, inspectFile, type InspectOptions } from "./inspect/inspector";
export { InspectorThread } from "./inspect/inspectorThread";
export { withMemory, type MemoryChoice } from "./inspect/inspectMemory";
export { errorCode } from "./reader/errorCode";
export * from "./types";
export { jobWorkersStopped } from "./workerJob";
export { Workspace, checkQuestion, questionProblem, type MemoryReader, type WorkspaceOptions } from "./workspace";
export { memoryPrompt } from "./answer/answerNeedle";
