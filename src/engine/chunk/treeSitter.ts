import { existsSync } from "node:fs";
import path from "node:path";
import { Language, Parser } from "@vscode/tree-sitter-wasm";

/**
 * The folder holding tree-sitter.wasm and the grammars: next to the running bundle in dist/ (the build copies
 * it there), else inside the installed package (running from sources).
 */
export function treeSitterWasmDir(): string {
  const bundled = path.join(__dirname, "wasm");
  if (existsSync(path.join(bundled, "tree-sitter.wasm"))) return bundled;
  return path.join(path.dirname(require.resolve("@vscode/tree-sitter-wasm/package.json")), "wasm");
}

let runtime: Promise<void> | undefined;
const parsers = new Map<string, Promise<Parser>>();

async function createParser(grammar: string): Promise<Parser> {
  const dir = treeSitterWasmDir();
  runtime ??= Parser.init({ locateFile: (file: string) => path.join(dir, file) });
  await runtime;
  const parser = new Parser();
  parser.setLanguage(await Language.load(path.join(dir, `tree-sitter-${grammar}.wasm`)));
  return parser;
}

/** One parser per grammar for the life of the process: loading a grammar costs far more than a parse. */
export function parserFor(grammar: string): Promise<Parser> {
  let parser = parsers.get(grammar);
  if (!parser) {
    parser = createParser(grammar);
    parsers.set(grammar, parser);
  }
  return parser;
}
