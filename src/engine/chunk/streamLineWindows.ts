import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createHash } from "node:crypto";
import { errorCode } from "../reader/errorCode";
import { SNIFF_BYTES, detectEncoding, looksBinary, nextLineStart, textDecoder, type TextEncoding } from "../reader/textEncoding";
import { windowIsFull } from "./chunkSize";
import { type StoredChunk, storedChunk } from "./indexedChunk";

/** Read size; even, so a UTF-16 code unit never straddles two reads. */
const READ_BYTES = 1 << 20;

export type ProbeOutcome = { hash: string; encoding: TextEncoding } | { skippedReason: string };

/** Encoding, binary check and sha256 of a large file, reading it once as a stream. */
export async function probeLargeFile(absPath: string): Promise<ProbeOutcome> {
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const handle = await open(absPath, "r");
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0).finally(() => handle.close());
    const encoding = detectEncoding(head.subarray(0, bytesRead));
    if (looksBinary(head.subarray(0, bytesRead), encoding)) return { skippedReason: "binary" };
    const hash = createHash("sha256");
    for await (const data of createReadStream(absPath, { highWaterMark: READ_BYTES })) hash.update(data as Buffer);
    return { hash: hash.digest("hex"), encoding };
  } catch (error) {
    return { skippedReason: `unreadable (${errorCode(error)})` };
  }
}

function windowText(bytes: Buffer, decoder: ReturnType<typeof textDecoder>): string {
  return decoder.decode(bytes).replace(/\r?\n$/, "").replace(/\r(?=\n)/g, "");
}

/**
 * Line-window chunks of a file of any size, read as a stream: only the current window's bytes are held,
 * never the whole file. Byte offsets and line numbers count from the raw file.
 */
export async function* streamLineWindows(absPath: string, encoding: TextEncoding): AsyncGenerator<StoredChunk> {
  const decoder = textDecoder(encoding);
  const pending: Buffer[] = []; // bytes from windowStart to the end of the last read
  let windowStart = encoding.bomLength;
  let windowLine = 1;
  let windowLines = 0;
  let lineStart = encoding.bomLength;
  let readStart = 0;

  /** Removes and returns the first `length` pending bytes, copying only those. */
  const takeBytes = (length: number): Buffer => {
    const parts: Buffer[] = [];
    for (let need = length; need > 0; ) {
      const head = pending[0]!;
      if (head.length <= need) {
        parts.push(head);
        pending.shift();
        need -= head.length;
      } else {
        parts.push(head.subarray(0, need));
        pending[0] = head.subarray(need);
        need = 0;
      }
    }
    return Buffer.concat(parts);
  };

  const takeWindow = (end: number): StoredChunk | undefined => {
    const bytes = takeBytes(end - windowStart);
    const text = windowText(bytes, decoder);
    const chunk = text.trim()
      ? storedChunk({ start: windowLine, end: windowLine + windowLines - 1 }, { start: windowStart, end }, "lines", text, [])
      : undefined;
    windowStart = end;
    windowLine += windowLines;
    windowLines = 0;
    return chunk;
  };

  for await (const data of createReadStream(absPath, { highWaterMark: READ_BYTES, start: encoding.bomLength })) {
    const buffer = data as Buffer;
    const base = readStart + encoding.bomLength;
    pending.push(buffer);
    const from = (): number => Math.max(0, lineStart - base);
    for (let next = nextLineStart(buffer, from(), encoding); next >= 0; next = nextLineStart(buffer, from(), encoding)) {
      const lineEnd = base + next;
      if (windowIsFull(windowLines, lineStart - windowStart, lineEnd - lineStart)) {
        const chunk = takeWindow(lineStart);
        if (chunk) yield chunk;
      }
      windowLines++;
      lineStart = lineEnd;
    }
    readStart += buffer.length;
  }
  const fileEnd = readStart + encoding.bomLength;
  if (lineStart < fileEnd) windowLines++; // a last line without a line break
  if (windowLines > 0) {
    const chunk = takeWindow(fileEnd);
    if (chunk) yield chunk;
  }
}
