import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LongLensError } from "../errors";

/** The name in our package.json: marks the package root whichever file we run from (src via tsx, dist bundles). */
const PACKAGE_NAME = "longlens";

function isPackageRoot(dir: string): boolean {
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false; // someone else's broken package.json: keep walking up
  }
}

/** The shipped models/ folder, found from the running file (works from src via tsx and from dist bundles). */
export function shippedModelsDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (isPackageRoot(dir)) return join(dir, "models");
    if (dirname(dir) === dir) break;
  }
  throw new LongLensError(`Cannot find the LongLens package folder above ${__dirname}; reinstall LongLens.`, "MODELS_DIR");
}
