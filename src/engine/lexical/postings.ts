// Compact posting lists for MiniSearch. MiniSearch keeps, per term and field, a Map from document short id to
// term frequency: about 63 bytes a posting in V8, which made the postings of one 200 MB file (6.6M of them) most
// of its index's peak memory. Long lists are moved into Postings, a pair of u32 per posting in one typed array,
// which MiniSearch uses through the same Map methods (its code is plain JavaScript; the version is pinned).
import type { LexicalIndex } from "./lexicalIndex";

/** A term's posting lists by field id: document id -> frequency. */
export type FieldPostings = Map<number, Map<number, number>>;

/** MiniSearch's posting lists, term -> field id -> document id -> frequency; not in its typings. */
export interface TermMap extends Iterable<[string, FieldPostings]> {
  set(term: string, fields: FieldPostings): unknown;
}

/** Below this many postings a Map is smaller than a typed array with its buffer (each costs a few hundred bytes). */
const MIN_COMPACT_POSTINGS = 32;

/** MiniSearch's term map of `index`. */
export function termMapOf(index: LexicalIndex): TermMap {
  return (index as unknown as { _index: TermMap })._index;
}

/**
 * Document id -> frequency, as (id, frequency) pairs of u32 sorted by id. MiniSearch numbers documents in the
 * order it adds them, so an add is an append and a lookup a binary search. A delete leaves a hole (frequency 0)
 * that iteration skips, so MiniSearch may delete while it iterates (its vacuum does); compact() closes holes.
 */
export class Postings implements Map<number, number> {
  readonly [Symbol.toStringTag] = "Postings";
  private pairs: Uint32Array;
  /** Pairs in use, holes included. */
  private used = 0;
  private live = 0;

  constructor(entries: Iterable<readonly [number, number]>) {
    const sorted = [...entries].sort(([a], [b]) => a - b);
    this.pairs = new Uint32Array(2 * sorted.length);
    for (const [id, frequency] of sorted) this.set(id, frequency);
  }

  get size(): number {
    return this.live;
  }

  get(id: number): number | undefined {
    const at = this.find(id);
    return at >= 0 && this.pairs[2 * at + 1] !== 0 ? this.pairs[2 * at + 1] : undefined;
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  set(id: number, frequency: number): this {
    if (!isU32(id) || !isU32(frequency) || frequency === 0) throw new RangeError(`Postings hold whole ids and frequencies of 1 to 2^32-1, not ${id} -> ${frequency}`);
    let at = this.find(id);
    if (at < 0) {
      at = -at - 1;
      if (2 * (this.used + 1) > this.pairs.length) this.resize(Math.max(4, Math.ceil(this.used * 1.5)));
      this.pairs.copyWithin(2 * at + 2, 2 * at, 2 * this.used); // nothing to move for an append
      this.pairs[2 * at] = id;
      this.pairs[2 * at + 1] = 0;
      this.used++;
    }
    if (this.pairs[2 * at + 1] === 0) this.live++;
    this.pairs[2 * at + 1] = frequency;
    return this;
  }

  delete(id: number): boolean {
    const at = this.find(id);
    if (at < 0 || this.pairs[2 * at + 1] === 0) return false;
    this.pairs[2 * at + 1] = 0;
    this.live--;
    return true;
  }

  clear(): void {
    this.pairs = new Uint32Array(0);
    this.used = this.live = 0;
  }

  /** Closes the holes deletes left and gives back unused room; not while the postings are iterated. */
  compact(): void {
    if (this.used === this.live && this.pairs.length === 2 * this.used) return;
    let kept = 0;
    for (let i = 0; i < this.used; i++) {
      if (this.pairs[2 * i + 1] === 0) continue;
      this.pairs[2 * kept] = this.pairs[2 * i]!;
      this.pairs[2 * kept + 1] = this.pairs[2 * i + 1]!;
      kept++;
    }
    this.used = kept;
    if (this.pairs.length > 2 * kept) this.resize(kept);
  }

  *entries(): MapIterator<[number, number]> {
    // this.pairs is read at each step: an append during iteration may replace it (ids keep their places).
    for (let i = 0; i < this.used; i++) if (this.pairs[2 * i + 1] !== 0) yield [this.pairs[2 * i]!, this.pairs[2 * i + 1]!];
  }

  *keys(): MapIterator<number> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): MapIterator<number> {
    for (const [, frequency] of this.entries()) yield frequency;
  }

  forEach(callback: (frequency: number, id: number, map: Map<number, number>) => void, thisArg?: unknown): void {
    for (const [id, frequency] of this.entries()) callback.call(thisArg, frequency, id, this);
  }

  [Symbol.iterator](): MapIterator<[number, number]> {
    return this.entries();
  }

  /** The pair index of `id`, or -(where it would go) - 1. */
  private find(id: number): number {
    const last = this.used - 1;
    if (last < 0 || id > this.pairs[2 * last]!) return -this.used - 1;
    let [low, high] = [0, last];
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = this.pairs[2 * middle]!;
      if (found === id) return middle;
      if (found < id) low = middle + 1;
      else high = middle - 1;
    }
    return -low - 1;
  }

  private resize(pairs: number): void {
    const resized = new Uint32Array(2 * pairs);
    resized.set(this.pairs.subarray(0, 2 * Math.min(this.used, pairs)));
    this.pairs = resized;
  }
}

const isU32 = (value: number): boolean => Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;

/**
 * Moves every posting list of MIN_COMPACT_POSTINGS or more from a Map into Postings; with `trim`, also closes
 * the holes of those already moved and gives back their unused room (before the index is saved or kept).
 */
export function compactPostings(index: LexicalIndex, trim: boolean): void {
  for (const [, fields] of termMapOf(index)) {
    for (const [fieldId, postings] of fields) {
      if (postings instanceof Postings) {
        if (trim) postings.compact();
      } else if (postings.size >= MIN_COMPACT_POSTINGS) {
        fields.set(fieldId, new Postings(postings));
      }
    }
  }
}

/** Adds one term as MiniSearch saves it (field id -> document id -> frequency, keys as strings), long lists as Postings. */
export function addSavedTerm(index: LexicalIndex, term: string, saved: Record<string, Record<string, number>>): void {
  const fields: FieldPostings = new Map();
  for (const [fieldId, frequencies] of Object.entries(saved)) {
    const entries = Object.entries(frequencies).map(([id, frequency]): [number, number] => [Number(id), frequency]);
    fields.set(Number(fieldId), entries.length >= MIN_COMPACT_POSTINGS ? new Postings(entries) : new Map(entries));
  }
  termMapOf(index).set(term, fields);
}
