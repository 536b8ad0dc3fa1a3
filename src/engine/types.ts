// Data shapes shared by the engine, the CLI and the extension. Paths are relative to the
// indexed root, with forward slashes; lines are 1-based and inclusive.

import type { MemoryStats } from "./indexing/memoryPass";

/** A file the reader passed over, and why (one short phrase, e.g. "binary", "over 2 MB"). */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** What the catalog remembers of a file to decide whether it changed. */
export interface FileRecord {
  path: string;
  size: number;
  mtimeMs: number;
  /** sha256 of the raw bytes, hex. */
  hash: string;
}

export interface Chunk {
  /** Stable id: `${file}#${startLine}-${endLine}@${hash.slice(0, 12)}`. */
  id: string;
  file: string;
  startLine: number;
  endLine: number;
  /** Byte offsets into the raw file, end exclusive. */
  startByte: number;
  endByte: number;
  /** sha256 of the chunk text, hex. */
  hash: string;
  /** What bounds the chunk: a syntax node type ("function_declaration", ...) or "lines". */
  kind: string;
  text: string;
}

export type HitSource = "lexical" | "semantic" | "model" | "memory";

export interface Hit {
  file: string;
  startLine: number;
  endLine: number;
  score: number;
  snippet: string;
  sources: HitSource[];
  /** Present when the memory voted for the hit's chunk: its votes and the strongest of the slots read. */
  memory?: HitMemory;
}

/** What the memory read for a hit: summed votes, and slots with their read weight and write count. */
export interface HitMemory {
  votes: number;
  slots: { shard: string; slot: number; weight: number; writes: number }[];
}

/** What one index run did, file by file, compared with the index before it. */
export interface IndexChanges {
  added: number;
  changed: number;
  removed: number;
  /** Files kept as they were (size and mtime equal, or contents hashed equal). */
  unchanged: number;
  /** Files whose contents were read in this run (new, or size/mtime differ). */
  read: number;
}

export interface IndexResult {
  files: number;
  chunks: number;
  tokens: number;
  /** How `tokens` was counted: by the shipped model's tokenizer, or approximated. */
  tokenCounter: string;
  skipped: SkippedFile[];
  /** Lines of files read in this run that held a secret and were indexed as `[redacted by LongLens]` (never the text). */
  redacted?: { path: string; lines: number[] }[];
  seconds: number;
  /** Tokens of the files read and chunked in this run, per second of the run. */
  tokensPerSecond: number;
  changes?: IndexChanges;
  /** The memory pass: tokens read into fast-weight memory, its shards and slots (absent without the model). */
  memory?: MemoryStats;
  /** Problems found and repaired on the way, e.g. an unreadable store that was rebuilt. */
  warnings?: string[];
}

export interface IndexProgress {
  phase: "scan" | "read" | "index" | "memory" | "write";
  filesDone: number;
  filesTotal?: number;
  file?: string;
  /** The memory pass: tokens read into memory so far, of about how many, and how fast. */
  tokensDone?: number;
  tokensTotal?: number;
  tokensPerSecond?: number;
}

/** A chunk of the reading that the memory says a question's answer was written in. */
export interface MemoryHit {
  /** Where the chunk's middle token came from, and the lines the chunk spans. */
  file: string;
  line: number;
  startLine: number;
  endLine: number;
  /** Sum over the question's slot reads of weight / writes, for slots last written inside the chunk */
  votes: number;
  slots: { shard: string; slot: number; weight: number; writes: number; writer: { path: string; line: number } }[];
}

export interface AskResult {
  hits: Hit[];
}

/** A value the model answered with, where it stands in the source. Columns are 1-based UTF-16 code units. */
export interface NeedleAnswer {
  answer: string;
  file: string;
  line: number;
  /** The value is lineText.slice(column - 1, endColumn - 1): endColumn is exclusive. */
  column: number;
  endColumn: number;
  confidence: number;
}

/** A place the model read for a needle question, and what it answered there. */
export interface NeedleCandidate {
  file: string;
  line: number;
  /** What proposed the place: the memory's slot reads, the lexical index, or both. */
  sources: HitSource[];
  /** The memory's votes for the place (0 when only the lexical index found it). */
  votes: number;
  /** The share of the question's key terms the window names; a window below the rule's bar is not read. */
  keyCoverage: number;
  /** The model's answer line as it decoded it (cut where it stopped copying from the window; "" when not read). */
  decoded: string;
  meanLogProb: number;
  /** The least sure decoded token's log-probability. */
  minLogProb: number;
  /** The place's memory votes over the best place's (0 when the memory did not propose it). */
  memoryShare: number;
  /** Whether the answer's own line names every key term (the key check accepts its neighbours' too). */
  keyOnLine: boolean;
  /**
   * Whether the values are the literals beside the key that the model scored likeliest (its free decoding did
   * not copy a value from a line naming the key), rather than its decoding.
   */
  scored: boolean;
  /** The answer's values found beside the key in the text the model read ([] when none is). */
  values: string[];
  /** Whether the answer's values are in the text the model read. */
  supported: boolean;
  confidence: number;
}

export interface NeedleResult {
  /** The extracted value (several joined by ", " when the question asks for several); "" when nothing was found. */
  answer: string;
  /** Where the answer stands; without an answer, the best lexical line (or "" and 0 when nothing matched). */
  file: string;
  line: number;
  /** Calibrated: answers given with confidence c were right about c of the time on held-out needles. */
  confidence: number;
  hits: Hit[];
  /** The value's column span on `line` (absent without an answer). */
  column?: number;
  endColumn?: number;
  /** Every value, for a question that asks for several; one entry otherwise; [] without an answer. */
  answers?: NeedleAnswer[];
  /** Why there is no answer (absent when there is one). */
  reason?: string;
  /** The places read, best first. */
  candidates?: NeedleCandidate[];
}
