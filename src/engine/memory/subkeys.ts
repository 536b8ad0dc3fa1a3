// The sub-key tables every fresh memory starts from. Training draws them with torch.randn(2, n, K/2) from a
// fixed seed; that stream is the same prefix for every n, so the export ships it once (memory-subkeys.f32).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LongLensError } from "../errors";

export class SubkeyStream {
  private constructor(private readonly stream: Float32Array, readonly halfDim: number, readonly maxSubkeys: number) {}

  static load(modelsDir: string, file: string, halfDim: number, maxSubkeys: number): SubkeyStream {
    const path = join(modelsDir, file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new LongLensError(`The memory's sub-key file ${path} is missing; reinstall LongLens.`, "MODEL_MISSING");
    }
    const want = 2 * maxSubkeys * halfDim * 4;
    if (bytes.byteLength !== want) {
      throw new LongLensError(`${path} has ${bytes.byteLength} bytes, expected ${want}; reinstall LongLens.`, "MODEL_SHAPE");
    }
    const copy = new Float32Array(want / 4);
    new Uint8Array(copy.buffer).set(bytes);
    return new SubkeyStream(copy, halfDim, maxSubkeys);
  }

  /** Fresh sub-keys for a table of n per half: (2, n, K/2), row-major, a copy the memory may update. */
  fresh(n: number): Float32Array {
    if (n > this.maxSubkeys) throw new LongLensError(`A memory of ${n} sub-keys per half is over the maximum ${this.maxSubkeys}.`, "MEMORY_SIZE");
    return this.stream.slice(0, 2 * n * this.halfDim);
  }
}
