import { TextDecoder } from "node:util";

/** How a text file's bytes are laid out. Line breaks are found on the raw bytes, so byte offsets stay exact. */
export interface TextEncoding {
  name: "utf-8" | "utf-16le" | "utf-16be";
  /** Bytes of byte-order mark at the start of the file (0 when none). */
  bomLength: number;
}

/** Bytes inspected to tell text from binary, as git and ripgrep do. */
export const SNIFF_BYTES = 8192;

/** Share of control bytes above which a file without NUL bytes still counts as binary. */
const MAX_CONTROL_RATIO = 0.3;

export function detectEncoding(head: Uint8Array): TextEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { name: "utf-8", bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { name: "utf-16le", bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { name: "utf-16be", bomLength: 2 };
  return { name: "utf-8", bomLength: 0 };
}

/** True when the first bytes look like binary data: a NUL byte in 8-bit text, or mostly control bytes. */
export function looksBinary(head: Uint8Array, encoding: TextEncoding): boolean {
  if (encoding.name !== "utf-8") return false;
  let control = 0;
  for (let i = encoding.bomLength; i < head.length; i++) {
    const byte = head[i]!;
    if (byte === 0) return true;
    // Tab, line feed, vertical tab, form feed, carriage return and escape occur in real text.
    if ((byte < 0x20 && (byte < 0x09 || byte > 0x0d) && byte !== 0x1b) || byte === 0x7f) control++;
  }
  const length = head.length - encoding.bomLength;
  return length > 0 && control / length > MAX_CONTROL_RATIO;
}

/** A decoder that maps invalid sequences to U+FFFD instead of failing; the BOM is cut off by the caller. */
export function textDecoder(encoding: TextEncoding): TextDecoder {
  return new TextDecoder(encoding.name, { ignoreBOM: true });
}

/**
 * Offset just past the next line feed at or after `from`, or -1. In UTF-16 a line feed is a whole code unit
 * at an even distance from the text start (`unitStart`), never half of another character.
 */
export function nextLineStart(bytes: Uint8Array, from: number, encoding: TextEncoding, unitStart = 0): number {
  if (encoding.name === "utf-8") {
    const at = bytes.indexOf(0x0a, from);
    return at < 0 ? -1 : at + 1;
  }
  const [first, second] = encoding.name === "utf-16le" ? [0x0a, 0x00] : [0x00, 0x0a];
  let at = from + ((from - unitStart) & 1);
  for (; at + 1 < bytes.length; at += 2) {
    if (bytes[at] === first && bytes[at + 1] === second) return at + 2;
  }
  return -1;
}

/**
 * Text to search for ASCII patterns (secrets) in: UTF-8 read as Latin-1, which is faster than decoding and keeps
 * one character per byte, so line feeds fall where they are; UTF-16 decoded.
 */
export function scanningText(bytes: Uint8Array, encoding: TextEncoding): string {
  const body = bytes.subarray(encoding.bomLength);
  return encoding.name === "utf-8" ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("latin1") : textDecoder(encoding).decode(body);
}

/**
 * Length of the longest start of `bytes` that ends between two characters, so that a cut there splits none:
 * never inside a UTF-8 sequence or between the two halves of a UTF-16 surrogate pair.
 */
export function wholeCharsLength(bytes: Uint8Array, encoding: TextEncoding): number {
  if (encoding.name === "utf-8") {
    // A cut falls before the last lead byte when the bytes after it do not complete its sequence.
    for (let back = 1; back <= Math.min(4, bytes.length); back++) {
      const byte = bytes[bytes.length - back]!;
      if (byte < 0x80) return bytes.length;
      if (byte >= 0xc0) return back >= (byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2) ? bytes.length : bytes.length - back;
    }
    return bytes.length; // invalid bytes decode to U+FFFD wherever they are cut
  }
  const even = bytes.length & ~1;
  if (even < 2) return even;
  const high = encoding.name === "utf-16le" ? bytes[even - 1]! : bytes[even - 2]!;
  return high >= 0xd8 && high <= 0xdb ? even - 2 : even;
}
