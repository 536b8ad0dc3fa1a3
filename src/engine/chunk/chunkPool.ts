import os from "node:os";
import { Worker } from "node:worker_threads";
import { workerEntry } from "../workerEntry";
import type { TextBytes } from "../reader/readSource";
import { chunkInThisThread } from "./chunkSource";
import type { StoredChunk } from "./indexedChunk";
import type { ChunkReply, ChunkRequest } from "./workerProtocol";

/** Each worker holds its own tree-sitter runtime and grammars (tens of MB), so a large machine gets a few, not all. */
const MAX_WORKERS = 4;
/** Idle workers exit after this long, giving their memory back between two indexing runs. */
const IDLE_EXIT_MS = 30_000;

/** A new chunk worker (see chunkWorker.ts), or undefined where this code cannot start one. */
export function startChunkWorker(): Worker | undefined {
  const entry = workerEntry(__dirname, "chunkWorker");
  return entry && new Worker(entry.filename, entry.options);
}

/** A structured clone copies a view's whole ArrayBuffer, so a view into a larger one is first copied on its own. */
export function ownBuffer(raw: Uint8Array): Uint8Array {
  return raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : new Uint8Array(raw);
}

interface Task {
  size: number;
  resolve(chunks: StoredChunk[]): void;
  reject(error: Error): void;
}

interface PooledWorker {
  worker: Worker;
  tasks: Map<number, Task>;
  /** Bytes sent and not yet chunked: new work goes to the least loaded worker. */
  pendingBytes: number;
}

/** Worker threads that chunk whole files, started on demand; an idle pool does not keep the process alive. */
class ChunkPool {
  private readonly workers: PooledWorker[] = [];
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Set when a worker died or could not start: the pool is then left alone for the life of the process. */
  broken = false;

  constructor(private readonly size: number) {}

  /** Chunks `bytes` on the least loaded worker. */
  chunk(bytes: TextBytes, grammar: string | undefined): Promise<StoredChunk[]> {
    clearTimeout(this.idleTimer);
    const target = this.pick();
    const size = bytes.raw.length;
    // Copied, not moved: this thread keeps the bytes to chunk them itself should the worker die.
    const request: ChunkRequest = { id: this.nextId++, bytes: { ...bytes, raw: ownBuffer(bytes.raw) }, grammar };
    return new Promise((resolve, reject) => {
      target.tasks.set(request.id, { size, resolve, reject });
      target.pendingBytes += size;
      if (target.tasks.size === 1) target.worker.ref();
      target.worker.postMessage(request);
    });
  }

  private pick(): PooledWorker {
    const idle = this.workers.find((pooled) => pooled.tasks.size === 0);
    if (idle) return idle;
    if (this.workers.length < this.size) return this.spawn();
    return this.workers.reduce((least, pooled) => (pooled.pendingBytes < least.pendingBytes ? pooled : least));
  }

  private spawn(): PooledWorker {
    const worker = startChunkWorker();
    if (!worker) throw new Error("no chunk worker entry"); // sharedPool made no pool then
    const pooled: PooledWorker = { worker, tasks: new Map(), pendingBytes: 0 };
    worker.on("message", (reply: ChunkReply) => this.settle(pooled, reply));
    worker.on("error", (error) => this.fail(pooled, error));
    worker.on("exit", (code) => this.fail(pooled, new Error(`chunk worker exited (code ${code})`)));
    this.workers.push(pooled);
    return pooled;
  }

  private settle(pooled: PooledWorker, reply: ChunkReply): void {
    const task = pooled.tasks.get(reply.id);
    if (!task) return;
    pooled.tasks.delete(reply.id);
    pooled.pendingBytes -= task.size;
    if (pooled.tasks.size === 0) {
      pooled.worker.unref();
      this.exitWhenIdle();
    }
    if ("chunks" in reply) task.resolve(reply.chunks);
    else task.reject(new Error(reply.error));
  }

  private fail(pooled: PooledWorker, error: Error): void {
    const at = this.workers.indexOf(pooled);
    if (at < 0) return; // already retired
    this.workers.splice(at, 1);
    this.broken = true;
    for (const task of pooled.tasks.values()) task.reject(error);
    pooled.tasks.clear();
    void pooled.worker.terminate();
  }

  private exitWhenIdle(): void {
    if (this.workers.some((pooled) => pooled.tasks.size > 0)) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.retire(), IDLE_EXIT_MS).unref();
  }

  /** Ends the idle workers; busy ones finish their files first. */
  retire(): void {
    for (const pooled of this.workers.filter((candidate) => candidate.tasks.size === 0)) {
      this.workers.splice(this.workers.indexOf(pooled), 1);
      void pooled.worker.terminate();
    }
  }
}

/** Workers the pool may start; 0 chunks on the calling thread. */
let workerCount = Math.min(MAX_WORKERS, os.availableParallelism());
/** The process's pool, made on first use; null where no worker can run. */
let pool: ChunkPool | null | undefined;

/** How many chunk workers may run: by default one per core, up to MAX_WORKERS. */
export function chunkWorkerCount(): number {
  return workerCount;
}

/** Sets how many chunk workers run from now on (0: none, chunk on the calling thread); the benchmark compares both. */
export function setChunkWorkers(count: number): void {
  if (count === workerCount) return; // keep the warm pool
  pool?.retire();
  pool = undefined;
  workerCount = count;
}

function sharedPool(): ChunkPool | undefined {
  if (pool === undefined) {
    pool = workerCount > 0 && workerEntry(__dirname, "chunkWorker") ? new ChunkPool(workerCount) : null;
  }
  return pool && !pool.broken ? pool : undefined;
}

/**
 * Chunks a whole file's bytes on a worker thread, so that parsing runs on every core while this thread indexes.
 * Where no worker can run (no worker entry, or one died), the file is chunked on this thread instead: the
 * chunks are the same either way.
 */
export async function chunkBytes(bytes: TextBytes, grammar: string | undefined): Promise<StoredChunk[]> {
  const workers = sharedPool();
  if (workers) {
    try {
      return await workers.chunk(bytes, grammar);
    } catch {
      // Falls through: an error inside chunking repeats here and reaches the caller; a dead worker costs nothing.
    }
  }
  return chunkInThisThread(bytes, grammar);
}
