import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** sha256 (hex) of a file's bytes, streamed: store files can be tens of MB. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const piece of createReadStream(file)) hash.update(piece as Buffer);
  return hash.digest("hex");
}

export function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}
