import type { FileRecord } from "../types";
import type { BlobRef } from "./storeLayout";

/** What the store remembers of one indexed file. */
export interface CatalogFile extends FileRecord, BlobRef {
  tokens: number;
  chunkIds: string[];
}

export interface Catalog {
  /** How `tokens` were counted; a store counted another way is rebuilt so totals stay comparable. */
  tokenCounter: string;
  files: CatalogFile[];
}

export function isCatalog(value: unknown): value is Catalog {
  const catalog = value as Catalog | null;
  return typeof catalog?.tokenCounter === "string" && Array.isArray(catalog.files);
}
