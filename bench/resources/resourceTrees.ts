// Trees of about N held-out tokens for the resource bench, kept in the cache once made. The held-out corpus
// holds about 2.5M tokens, so a larger tree is the corpus's first 2M tokens and then its first files again,
// in a second folder, each of those files opening with a line that names its copy: the store keeps identical
// contents once, and an unmarked copy would cost it nothing.
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { longLensCacheDir } from "../../src/engine/store/defaultStoreDir";
import { heldoutTree } from "../index/heldoutTrees";

/** Tokens taken from the held-out corpus per copy (it holds about 2.5M). */
const COPY_TOKENS = 2_000_000;
/** A seed of its own: heldoutTree rewrites its folder per size and seed, and the other benches use seeds 1-3. */
const SEED = 101;

export async function resourceTree(tokens: number): Promise<string> {
  const root = path.join(longLensCacheDir(), "bench", "resource-trees", String(tokens));
  const done = path.join(root, ".complete");
  if (existsSync(done)) return root;
  await rm(root, { recursive: true, force: true });
  for (let copy = 1, left = tokens; left > 0; copy++, left -= COPY_TOKENS) {
    const { root: part } = await heldoutTree(Math.min(left, COPY_TOKENS), 0, SEED);
    const target = path.join(root, tokens > COPY_TOKENS ? `copy-${copy}` : "");
    await mkdir(target, { recursive: true });
    await cp(part, target, { recursive: true });
    await rm(part, { recursive: true, force: true });
    if (copy > 1) await markCopy(target, copy);
  }
  await writeFile(done, "");
  return root;
}

async function markCopy(folder: string, copy: number): Promise<void> {
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const comment = /\.py$/.test(entry.name) ? "#" : "//";
    await writeFile(file, `${comment} copy ${copy} of this file\n${await readFile(file, "utf8")}`);
  }
}
