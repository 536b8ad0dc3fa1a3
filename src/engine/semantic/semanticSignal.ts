import { writeFile } from "node:fs/promises";
import { LongLensError } from "../errors";
import type { CatalogFile } from "../store/catalog";
import type { StoreLayout } from "../store/storeLayout";
import type { GenerationFile } from "../store/writeGeneration";
import { ASK_SIGNALS, SIGNAL_CANDIDATES } from "./askSignals";
import type { SignalRanking } from "./fuse";
import { SEMANTIC_FILE, encodeSemantic, readSemantic } from "./semanticFile";
import { type SemanticChunk, SemanticIndex, enrichedText } from "./semanticIndex";
import { StaticModel } from "./staticModel";
import { storeChunks } from "./storeChunks";
import { byPath } from "../store/readingOrder";

/** Lines of a chunk's head: its signature and doc comment, where what it does is said. */
const HEAD_LINES = 8;

/**
 * New chunks past this share of a generation's chunks rebuild every vector (IDF and mean afresh); below it, an
 * incremental index embeds only its new chunks with the previous statistics.
 */
const REBUILD_SHARE = 0.25;

/**
 * The vectors cover about this many tokens at most, the files in reading order as the memory reads them: the
 * vectors need every covered chunk's text at once, and an index of one huge file must not hold it all. Past
 * it, chunks are found by keyword search only.
 */
const COVERED_MAX_TOKENS = 4_194_304;

/** The files (and, for the one where the limit falls, its first chunks) whose chunks the vectors cover. */
export function coveredFiles(files: Iterable<CatalogFile>, most = COVERED_MAX_TOKENS): CatalogFile[] {
  const covered: CatalogFile[] = [];
  let room = most;
  for (const file of [...files].sort((a, b) => byPath(a.path, b.path))) {
    if (room <= 0) break;
    if (file.tokens <= room) {
      covered.push(file);
      room -= file.tokens;
      continue;
    }
    // Chunks hold about the same number of tokens: the share of them that fits.
    const keep = Math.floor((file.chunkIds.length * room) / file.tokens);
    if (keep > 0) covered.push({ ...file, chunkIds: file.chunkIds.slice(0, keep) });
    room = 0;
  }
  return covered;
}

/** A chunk's path, names, doc comment and first lines: a ranking that a long body cannot dilute. */
export function chunkHead(chunk: SemanticChunk): string {
  return `${chunk.file} ${chunk.symbols.join(" ")}\n${chunk.lead ?? ""}\n${chunk.text.split("\n").slice(0, HEAD_LINES).join("\n")}`;
}

/** A chunk's path and the names it defines alone: a ranking that neither body nor comments can dilute. */
export function chunkNames(chunk: SemanticChunk): string {
  return `${chunk.file} ${chunk.symbols.join(" ")}`;
}

interface Built {
  enriched: SemanticIndex;
  head: SemanticIndex;
  names: SemanticIndex;
}

/** The store generation the signal ranks over. */
export interface SemanticStore {
  generation: string;
  files: Iterable<CatalogFile>;
  extraFiles: ReadonlyMap<string, string>;
}

/**
 * The semantic signal of `ask`: static embeddings distilled from all-MiniLM-L6-v2 (models/semantic/). Its vectors
 * are written at index time as a file of the generation (semanticFile.ts) and read on the first question; a
 * generation without a usable one has them built from its chunks then. Either way they stay in memory.
 */
export class SemanticSignal {
  private model: Promise<StaticModel> | undefined;
  private built: Promise<Built> | undefined;
  private builtFor: string | undefined;

  /** The semantic rankings of a question over the store's current generation. */
  async rankings(layout: StoreLayout, store: SemanticStore, question: string): Promise<SignalRanking[]> {
    if (this.builtFor !== store.generation || !this.built) {
      this.builtFor = store.generation;
      this.built = this.open(layout, store);
      this.built.catch(() => {
        this.builtFor = undefined; // a failed build is retried by the next question
      });
    }
    const { enriched, head, names } = await this.built;
    const { weights } = ASK_SIGNALS;
    return [
      { source: "semantic", weight: weights.enriched, ids: enriched.search(question, SIGNAL_CANDIDATES).map((r) => r.id) },
      { source: "semantic", weight: weights.head, ids: head.search(question, SIGNAL_CANDIDATES).map((r) => r.id) },
      { source: "semantic", weight: weights.names, ids: names.search(question, SIGNAL_CANDIDATES).map((r) => r.id) },
    ];
  }

  /**
   * The vectors of a new catalog as a generation file: the previous generation's chunks keep theirs, unless too
   * many are new. Without the semantic model files, none.
   */
  async generationFiles(layout: StoreLayout, catalogFiles: readonly CatalogFile[], previousFiles: ReadonlyMap<string, string> | undefined): Promise<GenerationFile[]> {
    const files = coveredFiles(catalogFiles);
    let model: StaticModel;
    try {
      model = await this.loadModel();
    } catch (error) {
      if (error instanceof LongLensError && error.code.startsWith("SEMANTIC")) return [];
      throw error;
    }
    const previous = await this.stored(model, previousFiles);
    const built = previous ? await updated(model, previous, layout, files) : await build(model, layout, files);
    const data = encodeSemantic(model.digest, model.dims, model.vocab, { enriched: built.enriched.parts, head: built.head.parts, names: built.names.parts });
    return [{ name: SEMANTIC_FILE, optional: true, write: (target) => writeFile(target, data, { mode: 0o600 }) }];
  }

  /** Drops the vectors (they are read again by the next question). */
  clear(): void {
    this.built = undefined;
    this.builtFor = undefined;
  }

  private loadModel(): Promise<StaticModel> {
    this.model ??= StaticModel.load();
    this.model.catch(() => {
      this.model = undefined;
    });
    return this.model;
  }

  private async open(layout: StoreLayout, store: SemanticStore): Promise<Built> {
    const model = await this.loadModel();
    const files = coveredFiles(store.files);
    const stored = await this.stored(model, store.extraFiles);
    const chunks = files.reduce((sum, file) => sum + file.chunkIds.length, 0);
    return stored && stored.enriched.ids.length === chunks ? stored : build(model, layout, files);
  }

  private async stored(model: StaticModel, extraFiles: ReadonlyMap<string, string> | undefined): Promise<Built | undefined> {
    const set = await readSemantic(extraFiles?.get(SEMANTIC_FILE), model.digest);
    const enriched = set?.enriched && SemanticIndex.restore(model, set.enriched);
    const head = set?.head && SemanticIndex.restore(model, set.head);
    const names = set?.names && SemanticIndex.restore(model, set.names);
    return enriched && head && names ? { enriched, head, names } : undefined;
  }
}

async function build(model: StaticModel, layout: StoreLayout, files: readonly CatalogFile[]): Promise<Built> {
  const chunks = await storeChunks(layout, files);
  return {
    enriched: await SemanticIndex.build(model, chunks, enrichedText),
    head: await SemanticIndex.build(model, chunks, chunkHead),
    names: await SemanticIndex.build(model, chunks, chunkNames),
  };
}

/** The previous vectors of chunks still there, and the new chunks embedded; a full build when too many are new. */
async function updated(model: StaticModel, previous: Built, layout: StoreLayout, files: readonly CatalogFile[]): Promise<Built> {
  const had = new Set(previous.enriched.ids);
  const ids = files.flatMap((file) => file.chunkIds);
  const added = ids.filter((id) => !had.has(id));
  if (added.length > REBUILD_SHARE * ids.length) return build(model, layout, files);
  const wanted = new Set(added);
  const chunks = (await storeChunks(layout, files.filter((file) => file.chunkIds.some((id) => wanted.has(id))))).filter((chunk) => wanted.has(chunk.id));
  const keep = new Set(ids);
  return {
    enriched: await previous.enriched.updated(keep, chunks, enrichedText),
    head: await previous.head.updated(keep, chunks, chunkHead),
    names: await previous.names.updated(keep, chunks, chunkNames),
  };
}
