import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The per-user cache folder: $LONGLENS_CACHE if set, else the platform's cache folder + "longlens". */
export function longLensCacheDir(): string {
  if (process.env.LONGLENS_CACHE) return path.resolve(process.env.LONGLENS_CACHE);
  const home = os.homedir();
  if (process.platform === "win32") return path.join(process.env.LOCALAPPDATA ?? path.join(home, "AppData", "Local"), "longlens");
  if (process.platform === "darwin") return path.join(home, "Library", "Caches", "longlens");
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(home, ".cache"), "longlens");
}

/** Store folder of a root, keyed by its real path so two spellings of one folder share a store. */
export function defaultStoreDir(rootPath: string): string {
  const resolved = path.resolve(rootPath);
  let real = resolved;
  try {
    real = realpathSync(resolved);
  } catch {
    // A root that does not exist yet still gets a stable folder name.
  }
  const key = createHash("sha256").update(real).digest("hex").slice(0, 16);
  return path.join(longLensCacheDir(), "stores", `${path.basename(real)}-${key}`);
}
