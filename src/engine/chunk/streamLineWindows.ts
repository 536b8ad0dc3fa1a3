import { createHash } from "node:crypto";
import { errorCode } from "../reader/errorCode";
import { SPECIAL_FILE_REASON, openRegularFile } from "../reader/regularFile";
import { PRIVATE_KEY_REASON, REDACTED_LINE, SecretScanner } from "../reader/secretLines";
import { SNIFF_BYTES, detectEncoding, looksBinary, nextLineStart, scanningText, textDecoder, type TextEncoding } from "../reader/textEncoding";
import { windowIsFull } from "./chunkSize";
import { type StoredChunk, storedChunk } from "./indexedChunk";
import { pieceBytes, pieceChunk, pieceEnd, repeatFilter } from "./linePieces";

/** Read size; even, so a UTF-16 code unit never straddles two reads. */
const READ_BYTES = 1 << 20;

export interface LargeFile {
  hash: string;
  encoding: TextEncoding;
  /** 1-based lines that hold a secret, ascending. */
  redactLines: number[];
}

export type ProbeOutcome = LargeFile | { skippedReason: string };

/** Encoding, binary check, secret scan and sha256 of a large file, reading it once as a stream. */
export async function probeLargeFile(absPath: string): Promise<ProbeOutcome> {
  try {
    const handle = await openRegularFile(absPath);
    if (!handle) return { skippedReason: SPECIAL_FILE_REASON };
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0).catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    const encoding = detectEncoding(head.subarray(0, bytesRead));
    if (looksBinary(head.subarray(0, bytesRead), encoding)) {
      await handle.close();
      return { skippedReason: "binary" };
    }
    const hash = createHash("sha256");
    const secrets = new SecretScanner();
    // UTF-16 is decoded as a stream so that a character cut by a read is kept whole; UTF-8 is scanned bytewise.
    const utf16 = encoding.name === "utf-8" ? undefined : textDecoder(encoding);
    let first = true;
    for await (const data of handle.createReadStream({ highWaterMark: READ_BYTES, start: 0 })) {
      const buffer = data as Buffer;
      hash.update(buffer);
      const body = first ? buffer.subarray(encoding.bomLength) : buffer;
      first = false;
      secrets.feed(utf16 ? utf16.decode(body, { stream: true }) : scanningText(body, { name: "utf-8", bomLength: 0 }));
    }
    if (secrets.end().privateKey) return { skippedReason: PRIVATE_KEY_REASON };
    return { hash: hash.digest("hex"), encoding, redactLines: secrets.lines };
  } catch (error) {
    return { skippedReason: `unreadable (${errorCode(error)})` };
  }
}

/** A window's decoded text without its final line break (CR of CRLF removed), `redact` lines replaced. */
function windowText(bytes: Buffer, decoder: ReturnType<typeof textDecoder>, firstLine: number, redact: ReadonlySet<number>): string {
  const text = decoder.decode(bytes).replace(/\r?\n$/, "").replace(/\r(?=\n)/g, "");
  if (redact.size === 0) return text;
  return text
    .split("\n")
    .map((line, index) => (redact.has(firstLine + index) ? REDACTED_LINE : line))
    .join("\n");
}

/**
 * Line-window chunks of a file of any size, read as a stream: only the current window's bytes are held,
 * never the whole file, and a line longer than a chunk is cut into pieces as it streams in. Byte offsets and
 * line numbers count from the raw file; the lines in `file.redactLines` read as REDACTED_LINE.
 */
export async function* streamLineWindows(absPath: string, file: LargeFile): AsyncGenerator<StoredChunk> {
  const { encoding } = file;
  const redact = new Set(file.redactLines);
  const decoder = textDecoder(encoding);
  const fresh = repeatFilter();
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
    const text = windowText(bytes, decoder, windowLine, redact);
    const chunk = text.trim()
      ? storedChunk({ start: windowLine, end: windowLine + windowLines - 1 }, { start: windowStart, end }, "lines", text, [])
      : undefined;
    windowStart = end;
    windowLine += windowLines;
    windowLines = 0;
    return chunk;
  };

  /**
   * Cuts the line at lineStart into pieces while more than a piece of it lies before `limit` (its end, or the
   * end of what has been read): the window before it is emitted first, and what is left of the line starts
   * the next window.
   */
  const cutLongLine = (limit: number): StoredChunk[] => {
    const chunks: StoredChunk[] = [];
    while (limit - lineStart > pieceBytes(encoding)) {
      if (windowLines > 0) {
        const chunk = takeWindow(lineStart);
        if (chunk) chunks.push(chunk);
      }
      const head = takeBytes(pieceBytes(encoding));
      const cut = pieceEnd(head, 0, Number.POSITIVE_INFINITY, encoding); // the line goes on past these bytes
      if (cut < head.length) pending.unshift(head.subarray(cut));
      const piece = pieceChunk(windowLine, lineStart, head.subarray(0, cut), encoding, redact.has(windowLine) ? REDACTED_LINE : undefined);
      if (piece.text.trim()) chunks.push(piece);
      lineStart += cut;
      windowStart = lineStart;
    }
    return chunks.filter(fresh);
  };

  const stream = (await openRegularFile(absPath))?.createReadStream({ highWaterMark: READ_BYTES, start: encoding.bomLength });
  if (!stream) throw Object.assign(new Error(`${absPath} is no longer a regular file`), { code: "ENOTFILE" });
  for await (const data of stream) {
    const buffer = data as Buffer;
    const base = readStart + encoding.bomLength;
    pending.push(buffer);
    const from = (): number => Math.max(0, lineStart - base);
    for (let next = nextLineStart(buffer, from(), encoding); next >= 0; next = nextLineStart(buffer, from(), encoding)) {
      const lineEnd = base + next;
      yield* cutLongLine(lineEnd);
      if (windowIsFull(windowLines, lineStart - windowStart, lineEnd - lineStart)) {
        const chunk = takeWindow(lineStart);
        if (chunk && fresh(chunk)) yield chunk;
      }
      windowLines++;
      lineStart = lineEnd;
    }
    readStart += buffer.length;
    yield* cutLongLine(base + buffer.length);
  }
  const fileEnd = readStart + encoding.bomLength;
  if (lineStart < fileEnd) windowLines++; // a last line without a line break
  if (windowLines > 0) {
    const chunk = takeWindow(fileEnd);
    if (chunk && fresh(chunk)) yield chunk;
  }
}
