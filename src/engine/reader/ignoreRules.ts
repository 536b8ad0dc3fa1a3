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

async function readRules(file: string, source: IgnoreSource): Promise<RuleFile | undefined> {
  try {
    return { source, rules: ignore().add(await readFile(file, "utf8")) };
  } catch {
    // A missing or unreadable ignore file simply contributes no rules.
    return undefined;
  }
}

async function levelFor(dirAbs: string, base: string, extra: RuleFile[] = []): Promise<Level | undefined> {
  const found = await Promise.all([
    readRules(path.join(dirAbs, ".gitignore"), "git"),
    readRules(path.join(dirAbs, ".longlensignore"), "longlensignore"),
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
  ) {}

  static async forRoot(rootAbs: string, excludeGlobs: readonly string[] = []): Promise<IgnoreRules> {
    const gitExclude = await readRules(path.join(rootAbs, ".git", "info", "exclude"), "git");
    const level = await levelFor(rootAbs, "", gitExclude ? [gitExclude] : []);
    const exclude = excludeGlobs.length > 0 ? ignore().add([...excludeGlobs]) : undefined;
    return new IgnoreRules(level ? [level] : [], exclude);
  }

  /** The rules for a subfolder (relative path without trailing slash), adding its own ignore files if any. */
  async forFolder(dirAbs: string, dirRel: string): Promise<IgnoreRules> {
    const level = await levelFor(dirAbs, `${dirRel}/`);
    return level ? new IgnoreRules([...this.levels, level], this.exclude) : this;
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
