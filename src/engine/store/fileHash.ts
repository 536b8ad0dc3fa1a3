import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { throwIfCancelled } from "../cancel";

/** Bytes read at a time: large reads hash a shard of tens of MB about three times faster than 64 KiB ones. */
const READ_BYTES = 1 << 20;

/** sha256 (hex) of a file's bytes, read in pieces: store files can be tens of MB; `signal` stops it between pieces. */
export async function sha256OfFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  const handle = await open(file, "r");
  try {
    // Sized to the file, so that checking thousands of small blobs does not allocate a MiB each.
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(READ_BYTES, (await handle.stat()).size)));
    for (let read = await handle.read(buffer, 0, buffer.length); read.bytesRead > 0; read = await handle.read(buffer, 0, buffer.length)) {
      hash.update(buffer.subarray(0, read.bytesRead));
      throwIfCancelled(signal);
    }
  } finally {
    await handle.close();
  }
  return hash.digest("hex");
}

export function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}
