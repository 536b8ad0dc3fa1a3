// The memory's reading of one file, from the chunks the lexical pass stored (so it reads exactly what was
// indexed, secrets redacted): each chunk's lines tokenised with their line ends, lines no chunk covers as
// blank lines, then <|endoftext|> as in training. Per chunk, so a huge file never sits in memory whole.
import type { StoredChunk } from "../chunk/indexedChunk";
import { type CodeTokenizer, END_OF_TEXT } from "../model/tokenizer";

/** Tokens of a stretch of a file and the line each starts on. */
export interface TokenRun {
  ids: number[];
  lines: number[];
}

export async function* fileTokens(chunks: AsyncIterable<StoredChunk>, tokenizer: CodeTokenizer): AsyncGenerator<TokenRun> {
  let nextLine = 1;
  for await (const chunk of chunks) {
    const firstLine = Math.min(nextLine, chunk.startLine);
    const text = `${"\n".repeat(chunk.startLine - firstLine)}${chunk.text}\n`;
    const ids: number[] = [];
    const lines: number[] = [];
    let line = firstLine;
    let char = 0;
    for (const span of tokenizer.encodeWithOffsets(text)) {
      for (; char < span.start; char++) if (text.charCodeAt(char) === 10) line++;
      ids.push(span.id);
      lines.push(line);
    }
    yield { ids, lines };
    nextLine = chunk.endLine + 1;
  }
  yield { ids: [END_OF_TEXT], lines: [Math.max(1, nextLine - 1)] };
}
