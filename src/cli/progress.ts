// Progress on one rewritten stderr line, only for a person watching a terminal: pipes and
// scripts get clean output.
import type { IndexProgress } from "../engine";
import { describeProgress } from "../shared/indexText";

export interface ProgressLine {
  onProgress?: (progress: IndexProgress) => void;
  /** Erases the line; call before printing anything else. */
  clear(): void;
}

export function progressLine(stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  if (!stream.isTTY) return { clear() {} };
  let shown = false;
  return {
    onProgress(progress) {
      stream.write(`\r\x1b[Klonglens: ${describeProgress(progress)}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}
