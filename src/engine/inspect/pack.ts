// The engine's half of src/shared/packed.ts: typed arrays to base64 bytes.
import type { Packed } from "../../shared/packed";

const base64 = (view: ArrayBufferView) => Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("base64");

export function packFloat32(values: Float32Array, dims: number[]): Packed {
  return { dtype: "float32", dims, base64: base64(values) };
}

/** One byte per value, scaled per matrix (the last two axes) by the matrix's largest value. */
export function packUint8(values: Float32Array, dims: number[]): Packed {
  const matrix = dims[dims.length - 1]! * dims[dims.length - 2]!;
  const bytes = new Uint8Array(values.length);
  const scale: number[] = [];
  for (let at = 0; at < values.length; at += matrix) {
    let max = 0;
    for (let i = at; i < at + matrix; i++) max = Math.max(max, values[i]!);
    scale.push(max);
    if (max > 0) for (let i = at; i < at + matrix; i++) bytes[i] = Math.round((values[i]! / max) * 255);
  }
  return { dtype: "uint8", dims, base64: base64(bytes), scale };
}
