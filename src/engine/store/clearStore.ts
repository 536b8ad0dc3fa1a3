import { rm, rmdir } from "node:fs/promises";
import { errorCode } from "../reader/errorCode";
import { checkStoreFolder } from "./storeFolder";
import type { StoreLayout } from "./storeLayout";
import { lockStore } from "./storeLock";
import { collectGarbage } from "./writeGeneration";

/** Deletes a store: only the names it writes, and its folders once empty; anything else is left where it is. */
export async function clearStore(layout: StoreLayout): Promise<void> {
  await checkStoreFolder(layout);
  const unlock = await lockStore(layout).catch((error: unknown) => {
    if (errorCode(error) === "ENOENT") return undefined; // no store folder at all
    throw error;
  });
  if (!unlock) return;
  try {
    await rm(layout.manifest, { force: true }); // first: the store stops being usable at once
    await collectGarbage(layout, undefined, []);
    for (const folder of [layout.generations, layout.blobs]) await rmdir(folder).catch(() => undefined);
    await rm(layout.marker, { force: true });
  } finally {
    await unlock();
  }
  await rmdir(layout.dir).catch(() => undefined); // kept when it holds files that are not ours
}
