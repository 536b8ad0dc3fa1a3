import { readFile } from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";

/** Which rule set decided that a path is ignored. Only git's own rules are silent; the others are reported. */
export type IgnoreSource = "git" | "longlensignore" | "exclude option";

interface RuleFile {
  source: IgnoreSource;
  rules: Ignore;
}

interface Level {
  /** The folder the rules belong to, relative to the root, "" or ending in "/". */
  base: string;
  files: RuleFile[];
}

/** Says what went wrong on the way, in one line, without stopping the walk. */
export type WarningSink = (message: string) => void;

/** Characters of a bad pattern quoted in its warning. */
const QUOTED_CHARS = 80;

/**
 * Patterns up to this length always compile: the library escapes whatever regular expressions treat specially,
 * so what fails is size (V8's "too large" and stack limits, from thousands of characters on). Only longer lines
 * are compiled one by one beforehand, which would cost as much again as the rules themselves.
 */
const SAFE_PATTERN_CHARS = 256;

/** Why a pattern cannot be used, or undefined when it compiles. The library compiles a rule on its first test. */
function patternProblem(pattern: string): string | undefined {
  if (pattern.length <= SAFE_PATTERN_CHARS) return undefined;
  try {
    ignore().add(pattern.replace(/^!/, "")).ignores("x");
    return undefined;
  } catch (error) {
    // The engine's message quotes the whole regular expression: keep only its last part, the reason.
    return String((error as Error).message ?? error).split(": ").pop()!.slice(0, QUOTED_CHARS);
  }
}

/** The rules of an ignore file; a line that cannot be compiled is reported (file, line, its start) and left out. */
function compileRules(text: string, file: string, warn: WarningSink): Ignore {
  const rules = ignore();
  text.split(/\r?\n/).forEach((line, index) => {
    const problem = patternProblem(line);
    if (problem === undefined) {
      rules.add(line);
      return;
    }
    const start = JSON.stringify(line.slice(0, QUOTED_CHARS)) + (line.length > QUOTED_CHARS ? "..." : "");
    warn(`${file}:${index + 1}: ignore pattern skipped (${problem}): ${start}`);
  });
  return rules;
}

/** Reads one ignore file; `shown` is its path relative to the root, for warnings. */
async function readRules(dirAbs: string, shown: string, source: IgnoreSource, warn: WarningSink): Promise<RuleFile | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dirAbs, path.basename(shown)), "utf8");
  } catch {
    // A missing or unreadable ignore file simply contributes no rules.
    return undefined;
  }
  return { source, rules: compileRules(text, shown, warn) };
}

async function levelFor(dirAbs: string, base: string, warn: WarningSink, extra: RuleFile[] = []): Promise<Level | undefined> {
  const found = await Promise.all([
    readRules(dirAbs, `${base}.gitignore`, "git", warn),
    readRules(dirAbs, `${base}.longlensignore`, "longlensignore", warn),
  ]);
  const files = [...extra, ...found.filter((f): f is RuleFile => f !== undefined)];
  return files.length > 0 ? { base, files } : undefined;
}

/**
 * The ignore rules in force inside one folder: git's info/exclude, then each folder's .gitignore and
 * .longlensignore from the root down (deeper and later files win, as in git), then the caller's exclude globs.
 * A .longlensignore can re-include what git ignores with a `!pattern`.
 */
export class IgnoreRules {
  private constructor(
    private readonly levels: readonly Level[],
    private readonly exclude: Ignore | undefined,
    private readonly warn: WarningSink,
  ) {}

  /** Bad patterns in the ignore files (and exclude globs) go to `warn`, and are left out. */
  static async forRoot(rootAbs: string, excludeGlobs: readonly string[] = [], warn: WarningSink = () => undefined): Promise<IgnoreRules> {
    const gitExclude = await readRules(path.join(rootAbs, ".git", "info"), ".git/info/exclude", "git", warn);
    const level = await levelFor(rootAbs, "", warn, gitExclude ? [gitExclude] : []);
    const exclude = excludeGlobs.length > 0 ? compileRules(excludeGlobs.join("\n"), "exclude option", warn) : undefined;
    return new IgnoreRules(level ? [level] : [], exclude, warn);
  }

  /** The rules for a subfolder (relative path without trailing slash), adding its own ignore files if any. */
  async forFolder(dirAbs: string, dirRel: string): Promise<IgnoreRules> {
    const level = await levelFor(dirAbs, `${dirRel}/`, this.warn);
    return level ? new IgnoreRules([...this.levels, level], this.exclude, this.warn) : this;
  }

  /** Why `relPath` (relative to the root, forward slashes) is ignored, or undefined when it is not. */
  ignoredBy(relPath: string, isDirectory: boolean): IgnoreSource | undefined {
    const suffix = isDirectory ? "/" : "";
    let decided: IgnoreSource | undefined;
    for (const level of this.levels) {
      const local = relPath.slice(level.base.length) + suffix;
      for (const file of level.files) {
        const verdict = file.rules.test(local);
        if (verdict.ignored) decided = file.source;
        else if (verdict.unignored) decided = undefined;
      }
    }
    if (decided) return decided;
    return this.exclude?.ignores(relPath + suffix) ? "exclude option" : undefined;
  }
}
