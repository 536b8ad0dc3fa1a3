// Big numeric arrays travel to webviews (and into --json) as base64 bytes, not as JSON number lists:
// a 2,000-token window's maps are megabytes as text, a fraction of that as bytes.

/** float32: the values as they are. uint8: per matrix (the last two axes), value = byte / 255 * scale[matrix]. */
export type Packed =
  | { dtype: "float32"; dims: number[]; base64: string }
  | { dtype: "uint8"; dims: number[]; base64: string; scale: number[] };

function bytesOf(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The values of a packed array, flat, in row-major order of its dims. */
export function unpack(packed: Packed): Float32Array {
  const bytes = bytesOf(packed.base64);
  if (packed.dtype === "float32") return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
  const dims = packed.dims;
  const matrix = (dims[dims.length - 1] ?? 1) * (dims[dims.length - 2] ?? 1);
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i]! / 255) * packed.scale[Math.floor(i / matrix)]!;
  return out;
}
