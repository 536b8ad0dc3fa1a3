// MiniLM vectors of chunk texts, cached on disk by the text's sha256 (outside the repo): embedding a codebase
// takes minutes on 2 cores, so a rerun embeds only what it has not seen.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { sha256Hex } from "../../src/engine/semantic/staticModel";
import { MINILM_DIMS, type MiniLM } from "./minilm";

export async function cachedEmbeddings(minilm: MiniLM, texts: readonly string[], file: string): Promise<Float32Array[]> {
  const cache = new Map<string, Float32Array>();
  if (existsSync(file)) {
    const { keys, vectors } = JSON.parse(readFileSync(file, "utf8")) as { keys: string[]; vectors: string };
    const all = new Float32Array(new Uint8Array(Buffer.from(vectors, "base64")).buffer);
    keys.forEach((key, i) => cache.set(key, all.slice(i * MINILM_DIMS, (i + 1) * MINILM_DIMS)));
  }
  const keys = texts.map((text) => sha256Hex(Buffer.from(text)));
  const missing = [...new Set(keys.filter((key) => !cache.has(key)))];
  if (missing.length > 0) {
    const textOf = new Map(keys.map((key, i) => [key, texts[i]!]));
    const vectors = await minilm.embed(missing.map((key) => textOf.get(key)!));
    missing.forEach((key, i) => cache.set(key, vectors[i]!));
    const all = new Float32Array(cache.size * MINILM_DIMS);
    [...cache.values()].forEach((vector, i) => all.set(vector, i * MINILM_DIMS));
    writeFileSync(file, JSON.stringify({ keys: [...cache.keys()], vectors: Buffer.from(all.buffer).toString("base64") }));
  }
  return keys.map((key) => cache.get(key)!);
}
