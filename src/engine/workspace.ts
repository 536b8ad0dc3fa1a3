import { constants } from "node:fs";
import { access, readFile, realpath, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { answerNeedle, memoryPrompt } from "./answer/answerNeedle";
import { MEMORY_CANDIDATES } from "./answer/candidates";
import { SourceText } from "./answer/sourceText";
import { LongLensError } from "./errors";
import type { RankedHit } from "./lexical/lexicalHits";
import { errorCode } from "./reader/errorCode";
import { inKernelFileSystem } from "./reader/regularFile";
import { DEFAULT_MAX_FILE_BYTES, SINGLE_FILE_MAX_BYTES, formatBytes } from "./reader/sizeLimits";
import { setChunkWorkers } from "./chunk/chunkPool";
import { MEMORY_MANIFEST, buildMemory } from "./indexing/memoryIndex";
import type { MemoryProgress } from "./indexing/memoryPass";
import { memoryReads, tokenQuery } from "./inspect/memoryReads";
import { questionQueries } from "./memory/questionQueries";
import { StoredMemory } from "./memory/storedMemory";
import { shippedModelsDir } from "./model/modelFiles";
import { ModelService } from "./model/modelService";
import { MEMORY_VOTES_READ } from "./semantic/askSignals";
import { type MemoryRanking, memoryRanking } from "./semantic/memoryRanking";
import { type FusedSignals, rankChunks } from "./semantic/rankChunks";
import { SemanticSignal } from "./semantic/semanticSignal";
import { buildIndex } from "./store/buildIndex";
import { clearStore } from "./store/clearStore";
import type { CatalogFile } from "./store/catalog";
import { defaultStoreDir } from "./store/defaultStoreDir";
import { type LoadedStore, checkStore, currentGeneration, readStore } from "./store/readStore";
import { checkStoreFolder } from "./store/storeFolder";
import { StoreLayout } from "./store/storeLayout";
import { runIndexWorker } from "./indexing/runIndexWorker";
import type { MemoryView } from "../shared/inspectData";
import type { AskResult, IndexProgress, IndexResult, MemoryHit, NeedleResult } from "./types";

export { defaultStoreDir } from "./store/defaultStoreDir";

export interface WorkspaceOptions {
  /** Store folder; default defaultStoreDir(root). */
  storeDir?: string;
  /** Globs (gitignore syntax, relative to root) to include; empty/undefined = everything. */
  include?: string[];
  /** Extra globs (gitignore syntax) to exclude, on top of .gitignore/.longlensignore/secrets. */
  exclude?: string[];
  /** Walked files larger than this are skipped (default 1_048_576). A single file named explicitly as the
   *  root may be up to 256 MiB and is chunked in streaming fashion. */
  maxFileBytes?: number;
  /** Whether index runs the memory pass (default true); false builds the lexical index only. */
  memory?: boolean;
  /** The model files (default: the shipped models/ folder); only a folder the user chose explicitly. */
  modelsDir?: string;
  /** Most tokens one memory shard reads (default 16,384: a slot per token at 128^2); for benchmarks and tests. */
  memoryShardTokens?: number;
  /** Most tokens the memory reads in all (default 4,194,304); files past it are found by keyword search only. */
  memoryMaxTokens?: number;
  /** CPU threads for indexing; 0 or unset picks from the machine's cores, 1 keeps all work on the calling thread. */
  threads?: number;
  /** Folders outside the root that symbolic links in it may lead into; links to anywhere else are skipped. */
  allowedOutsideRoots?: string[];
  /** Whether index runs wholly on a worker thread, so the calling thread's event loop stays free (the extension host's). */
  indexOnWorker?: boolean;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: IndexProgress) => void;
}

/**
 * What reads the memory for the memory view: a question, or a token of a file's text (`start`-`end`, its
 * offsets, as the inspector's tokens have them), named in the view by its index `token` in the window shown.
 */
export type MemoryReader = { question: string } | { text: string; start: number; end: number; token: number };

export const MAX_QUESTION_CHARS = 10_000;
export const DEFAULT_TOP = 10;

interface OpenStore extends LoadedStore {
  files: Map<string, CatalogFile>;
}

/** Why a question cannot be asked (one line for the user), or undefined when it can. */
export function questionProblem(question: string): string | undefined {
  if (question.trim() === "") return "The question is empty; ask something about the code.";
  if (question.length > MAX_QUESTION_CHARS) {
    return `The question is ${question.length.toLocaleString("en-US")} characters long; the limit is ${MAX_QUESTION_CHARS.toLocaleString("en-US")}.`;
  }
  return undefined;
}

export function checkQuestion(question: string): void {
  const problem = questionProblem(question);
  if (problem) throw new LongLensError(problem, "BAD_QUESTION");
}

function checkTop(top: number): void {
  if (!Number.isInteger(top) || top < 1) throw new LongLensError(`The number of hits must be a whole number of at least 1, not ${top}.`, "BAD_OPTION");
}

async function statRoot(root: string) {
  try {
    const stats = await stat(root);
    // Devices, FIFOs and kernel files (/proc, /sys) are refused before anything opens them: reads can block forever.
    if ((!stats.isFile() && !stats.isDirectory()) || inKernelFileSystem(await realpath(root))) {
      throw new LongLensError(`${root} is a special file (a device, FIFO, socket or kernel file); LongLens reads only regular files and folders.`, "SPECIAL_FILE");
    }
    return stats;
  } catch (error) {
    if (error instanceof LongLensError) throw error;
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") throw new LongLensError(`No such file or folder: ${root}`, "NOT_FOUND");
    throw new LongLensError(`Cannot read ${root} (${code}).`, "UNREADABLE");
  }
}

/** One folder or file and its index: the engine's entry point for the CLI and the extension. */
export class Workspace {
  readonly storeDir: string;
  /** Why the store on disk is unusable, as found by the last hasIndex() or index(); undefined when fine or absent. */
  storeProblem: string | undefined;
  private readonly layout: StoreLayout;
  private opened: OpenStore | undefined;
  private indexing: Promise<IndexResult> | undefined;
  private readonly semantic = new SemanticSignal();
  private model: Promise<ModelService> | undefined;
  private memory: { generation: string; memory: Promise<StoredMemory | undefined> } | undefined;

  private constructor(
    readonly root: string,
    readonly isSingleFile: boolean,
    private readonly options: WorkspaceOptions,
  ) {
    this.storeDir = path.resolve(options.storeDir ?? defaultStoreDir(root));
    this.layout = new StoreLayout(this.storeDir);
  }

  /** Validates the path (missing, unreadable, too large -> LongLensError). Does not index. */
  static async open(rootPath: string, options: WorkspaceOptions = {}): Promise<Workspace> {
    const root = path.resolve(rootPath);
    const stats = await statRoot(root);
    try {
      await access(root, stats.isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK);
    } catch {
      throw new LongLensError(`Cannot read ${root}: permission denied.`, "UNREADABLE");
    }
    if (stats.isFile() && stats.size > SINGLE_FILE_MAX_BYTES) {
      throw new LongLensError(`${root} is ${formatBytes(stats.size)}; LongLens reads single files up to ${formatBytes(SINGLE_FILE_MAX_BYTES)}.`, "TOO_LARGE");
    }
    const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (!Number.isFinite(maxFileBytes) || maxFileBytes <= 0) {
      throw new LongLensError(`The file size limit must be a positive number of bytes, not ${maxFileBytes}.`, "BAD_OPTION");
    }
    const workspace = new Workspace(root, stats.isFile(), options);
    await checkStoreFolder(workspace.layout); // refused before any work, so nothing of the user's is touched
    return workspace;
  }

  async hasIndex(): Promise<boolean> {
    const status = await checkStore(this.layout);
    this.storeProblem = status.problem;
    return status.usable;
  }

  /**
   * Incremental index: only added/changed/removed files are re-read. Atomic: on abort/crash the old store stays.
   * A call made while a run is in progress joins that run (its signal and progress callback stay the first's).
   */
  index(run: RunOptions = {}): Promise<IndexResult> {
    this.indexing ??= this.runIndex(run).finally(() => {
      this.indexing = undefined;
    });
    return this.indexing;
  }

  /** Ranked hits. Indexes first when there is no usable store. */
  async ask(question: string, options: RunOptions & { top?: number } = {}): Promise<AskResult> {
    const top = options.top ?? DEFAULT_TOP;
    checkQuestion(question);
    checkTop(top); // before the memory's ranking, which may index
    const memory = await this.askMemory(question, options);
    const ranked = await this.rank(question, options, top, { semantic: this.semantic, ...(memory ? { memory } : {}) });
    return { hits: ranked.map((entry) => entry.hit) };
  }

  /**
   * The memory's ranking for ask: none when the index has no memory (no model is loaded then), or when the model
   * or the memory cannot be read (the other signals still rank).
   */
  private async askMemory(question: string, run: RunOptions): Promise<MemoryRanking | undefined> {
    const store = await this.currentStore(run);
    if (!store.extraFiles.has(MEMORY_MANIFEST)) return undefined;
    try {
      return memoryRanking(await this.memoryHits(question, MEMORY_VOTES_READ, run), store.files);
    } catch (error) {
      if (error instanceof LongLensError && (error.code.startsWith("MODEL") || error.code === "SHARD_INVALID")) return undefined;
      throw error;
    }
  }

  /**
   * The value a needle question asks for, answered by the model where the memory and the lexical index point
   * (answer/answerNeedle.ts), with its file, line and column span; "" and a reason when nothing supports one.
   */
  async needle(question: string, options: RunOptions = {}): Promise<NeedleResult> {
    const lexical = await this.rank(question, options, DEFAULT_TOP);
    const prompt = memoryPrompt(question);
    // The prompt's frame must not push a question that passed the length check over it.
    const memory = await this.memoryHits(prompt.length <= MAX_QUESTION_CHARS ? prompt : question, MEMORY_CANDIDATES, options);
    const model = await this.loadModel();
    const sources = new Map<string, Promise<SourceText | undefined>>();
    const readSource = (file: string) => {
      let source = sources.get(file);
      if (!source) {
        source = readFile(this.isSingleFile ? this.root : path.join(this.root, file), "utf8").then((text) => new SourceText(text), () => undefined);
        sources.set(file, source);
      }
      return source;
    };
    return answerNeedle(question, { model, memory, lexical, readSource, ...(options.signal ? { signal: options.signal } : {}) });
  }

  /** Deletes this workspace's store (only the files a store is made of). */
  async clear(): Promise<void> {
    this.opened = undefined;
    await clearStore(this.layout);
  }

  /**
   * Where the memory says the question's answer was written: chunks of the reading the question's slot reads
   * vote for, best first, each with its file:line range and the slots behind the vote.
   */
  async memoryHits(question: string, top = DEFAULT_TOP, run: RunOptions = {}): Promise<MemoryHit[]> {
    checkQuestion(question);
    const memory = await this.openMemory(await this.currentStore(run));
    if (!memory) return [];
    const model = await this.loadModel();
    const votes = await memory.votes(model, model.tokenizer.encode(question));
    return votes.slice(0, top).map((vote) => {
      const shard = memory.shards[vote.shard]!;
      const placeOf = (position: number) => shard.provenance.place(position)!;
      // A chunk of the reading may span two files: its lines are those of the file its strongest vote points into.
      const [startLine, endLine] = shard.provenance.linesIn(vote.start, vote.end, vote.place.path, vote.place.line);
      return {
        file: vote.place.path,
        line: vote.place.line,
        startLine,
        endLine,
        votes: vote.votes,
        slots: vote.slots.map((s) => ({ shard: shard.name, slot: s.slot, weight: s.weight, writes: s.hits, writer: placeOf(s.writer) })),
      };
    });
  }

  /**
   * The memory slots a question or a token reads, strongest first (the inspector's memory view). Never
   * indexes: without an index, or with one that has no readable memory, the reason is returned instead.
   */
  async memoryReads(reader: MemoryReader): Promise<{ view: MemoryView } | { reason: string }> {
    if ("question" in reader) checkQuestion(reader.question);
    else if (!(Number.isInteger(reader.start) && reader.start >= 0 && reader.start < reader.end && reader.end <= reader.text.length)) {
      throw new LongLensError(`Token ${reader.token} (characters ${reader.start}-${reader.end}) is not in the text; inspect it again.`, "BAD_TOKEN");
    }
    if (!(await this.hasIndex())) return { reason: this.storeProblem ?? `${this.root} has no index yet: index it to read its code into memory.` };
    try {
      const store = await this.currentStore({});
      // Checked before opening: an index without memory has nothing to load the model for.
      if (!store.extraFiles.has(MEMORY_MANIFEST)) {
        return { reason: "The index has no memory: it was built without the model (lexical only); index again with the model files present." };
      }
      const memory = await this.openMemory(store);
      if (!memory) return { reason: "The index has no memory; index again to rebuild it." };
      const model = await this.loadModel();
      // A question is read in the needle's prompt form, as Find Needle reads the memory, so the view shows the
      // reads behind its evidence (the bare question pointed elsewhere on the e2e's small tree).
      const queries = "question" in reader
        ? await questionQueries(model.graphs, model.tokenizer.encode(memoryPrompt(reader.question)))
        : await tokenQuery(model.graphs, model.tokenizer, reader.text, reader.end);
      const read = "question" in reader ? { question: reader.question } : { token: reader.token };
      return { view: await memoryReads(memory.shards, model.memory.productKeys, model.config.model.mem_chunk, queries, read) };
    } catch (error) {
      // A damaged memory or missing model files: the view says why; the rest of an inspection still shows.
      if (error instanceof LongLensError) return { reason: error.message };
      throw error;
    }
  }

  dispose(): void {
    this.opened = undefined;
    this.memory = undefined;
    this.semantic.clear();
    const model = this.model;
    this.model = undefined;
    void model?.then((m) => m.dispose(), () => undefined);
  }

  private get modelsDir(): string {
    return this.options.modelsDir ?? shippedModelsDir();
  }

  /** The store's memory, opened once per generation (undefined when the index has none). */
  private openMemory(store: OpenStore): Promise<StoredMemory | undefined> {
    if (this.memory?.generation !== store.generation) {
      this.memory = { generation: store.generation, memory: this.loadModel().then((model) => StoredMemory.open(store.extraFiles, model)) };
    }
    return this.memory.memory;
  }

  private loadModel(): Promise<ModelService> {
    this.model ??= ModelService.load(this.modelsDir, { threads: this.options.threads || Math.min(2, os.availableParallelism()) });
    return this.model;
  }

  private async runIndex(run: RunOptions): Promise<IndexResult> {
    this.opened = undefined;
    if (this.options.indexOnWorker) {
      const result = await runIndexWorker(this.root, this.options, run);
      this.storeProblem = undefined;
      return result;
    }
    const threads = this.options.threads ?? 0;
    if (threads > 0) setChunkWorkers(threads === 1 ? 0 : threads);
    const inside = !path.relative(this.root, this.storeDir).startsWith("..");
    const warnings: string[] = [];
    const result = await buildIndex({
      root: this.root,
      isSingleFile: this.isSingleFile,
      layout: this.layout,
      walk: {
        maxFileBytes: this.isSingleFile ? SINGLE_FILE_MAX_BYTES : (this.options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES),
        ...(this.options.include ? { include: this.options.include } : {}),
        ...(this.options.exclude ? { exclude: this.options.exclude } : {}),
        ...(inside && !this.isSingleFile ? { skipPaths: [this.storeDir] } : {}),
        ...(this.options.allowedOutsideRoots ? { allowedOutsideRoots: this.options.allowedOutsideRoots } : {}),
        onWarning: (warning) => warnings.push(warning),
      },
      ...(run.signal ? { signal: run.signal } : {}),
      ...(run.onProgress ? { onProgress: run.onProgress } : {}),
      ...(this.options.memory === false ? {} : { memory: (files, previous, onMemory) => this.buildMemory(files, previous, run.signal, onMemory, warnings) }),
      extraFiles: (files, previous) => this.semantic.generationFiles(this.layout, files, previous),
    });
    this.storeProblem = undefined;
    const allWarnings = [...(result.warnings ?? []), ...warnings];
    return allWarnings.length > 0 ? { ...result, warnings: allWarnings } : result;
  }

  /** The memory pass over a new catalog; without the model files the index is lexical only, and says so. */
  private async buildMemory(
    files: AsyncIterable<CatalogFile>,
    previous: ReadonlyMap<string, string> | undefined,
    signal: AbortSignal | undefined,
    onProgress: (progress: MemoryProgress) => void,
    warnings: string[],
  ) {
    const threads = this.options.threads ?? 0;
    try {
      const outcome = await buildMemory(this.layout, files, previous, {
        modelsDir: this.modelsDir,
        threads: threads > 0 ? threads : Math.min(2, os.availableParallelism()),
        ...(this.options.memoryShardTokens ? { shardTokens: this.options.memoryShardTokens } : {}),
        ...(this.options.memoryMaxTokens ? { maxTokens: this.options.memoryMaxTokens } : {}),
        ...(signal ? { signal } : {}),
        onProgress,
      });
      warnings.push(...outcome.warnings);
      return outcome;
    } catch (error) {
      if (!(error instanceof LongLensError) || !error.code.startsWith("MODEL")) throw error;
      warnings.push(`No memory was built: ${error.message}`);
      return undefined;
    }
  }

  /** Ranked hits: lexical alone, or fused with the signals given (ask). */
  private async rank(question: string, run: RunOptions, top: number, signals: FusedSignals = {}): Promise<RankedHit[]> {
    checkQuestion(question);
    checkTop(top);
    const store = await this.currentStore(run);
    return rankChunks({ layout: this.layout, generation: store.generation, lexical: store.lexical, files: store.files, extraFiles: store.extraFiles }, question, top, signals);
  }

  /** The store as on disk now: reloaded when another process wrote a new generation, indexed when absent. */
  private async currentStore(run: RunOptions): Promise<OpenStore> {
    if (this.opened && this.opened.generation === (await currentGeneration(this.layout))) return this.opened;
    let read = await readStore(this.layout);
    if (!read.store) {
      await this.index(run);
      read = await readStore(this.layout);
      if (!read.store) throw new LongLensError(`The index at ${this.storeDir} cannot be read after indexing (${read.problem ?? "missing"}).`, "STORE");
    }
    this.opened = { ...read.store, files: new Map(read.store.catalog.files.map((file) => [file.path, file])) };
    return this.opened;
  }
}
