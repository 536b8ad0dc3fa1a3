// The ask question sets (bench/questions/*.json) and the codebases they are about, installed by name@version
// from npm or PyPI into a cache folder outside the repository.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface Question {
  id: string;
  split: "fit" | "report";
  question: string;
  file: string;
  function: string;
  lines: [number, number];
}

export interface QuestionSet {
  name: string;
  language: string;
  install: { registry: "npm" | "pypi"; package: string; version: string };
  /** Folder inside the installed package that is indexed. */
  root: string;
  questions: Question[];
}

const QUESTIONS_DIR = path.join(__dirname, "..", "questions");

export function loadQuestionSets(): QuestionSet[] {
  return readdirSync(QUESTIONS_DIR)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(QUESTIONS_DIR, name), "utf8")) as QuestionSet);
}

/** A package's folder, installed on first use by name@version (npm pack, or pip download of the sdist). */
export function installPackage(install: QuestionSet["install"], cache: string): string {
  const { registry, package: name, version } = install;
  const target = path.join(cache, `${registry}-${name}-${version}`);
  if (!existsSync(path.join(target, ".done"))) {
    mkdirSync(target, { recursive: true });
    if (registry === "npm") {
      const file = execFileSync("npm", ["pack", `${name}@${version}`, "--silent"], { cwd: target, encoding: "utf8" }).trim();
      execFileSync("tar", ["xzf", file, "--strip-components=1"], { cwd: target });
      rmSync(path.join(target, file));
    } else {
      execFileSync("python3", ["-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", `${name}==${version}`, "-d", "."], { cwd: target });
      const file = readdirSync(target).find((entry) => entry.endsWith(".tar.gz"))!;
      execFileSync("tar", ["xzf", file, "--strip-components=1"], { cwd: target });
      rmSync(path.join(target, file));
    }
    writeFileSync(path.join(target, ".done"), "");
  }
  return target;
}

/** The folder of a set's codebase that is indexed. */
export function installCodebase(set: QuestionSet, cache: string): string {
  return path.join(installPackage(set.install, cache), set.root);
}
