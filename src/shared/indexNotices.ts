// What an index run should tell the user rather than only log: its warnings (an ignore pattern skipped, a
// store rebuilt, no memory built), secret lines it redacted, and links it skipped for leading out of the
// folder. The extension shows them in the status bar's tooltip and in a warning (indexNoticeWarnings.ts).
import type { IndexResult } from "../engine";
import { formatCount } from "./indexText";

/** The walk's reason for a link that leads out of the folder (src/engine/reader/walk.ts). */
const OUTSIDE_ROOT = "link outside root";

export function indexNotices(result: IndexResult): string[] {
  const notices = [...(result.warnings ?? [])];
  const redacted = result.redacted ?? [];
  const lines = redacted.reduce((sum, file) => sum + file.lines.length, 0);
  if (lines > 0) notices.push(`${formatCount(lines)} line${lines === 1 ? "" : "s"} holding secrets in ${formatCount(redacted.length)} file${redacted.length === 1 ? "" : "s"} indexed as [redacted by LongLens]`);
  const outside = result.skipped.filter((s) => s.reason === OUTSIDE_ROOT).length;
  if (outside > 0) notices.push(`${formatCount(outside)} link${outside === 1 ? "" : "s"} leading out of the folder skipped (longlens.allowedOutsideRoots lets chosen folders in)`);
  return notices;
}

