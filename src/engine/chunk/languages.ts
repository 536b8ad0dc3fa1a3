import path from "node:path";

/** File extensions parsed with a grammar from @vscode/tree-sitter-wasm (C has no grammar there; C++'s parses it). */
const GRAMMAR_BY_EXTENSION: Record<string, string> = {
  ".ts": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".tsx": "tsx",
  ".js": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  ".jsx": "javascript",
  ".py": "python",
  ".pyi": "python",
  ".go": "go",
  ".rs": "rust",
  ".c": "cpp",
  ".h": "cpp",
  ".cc": "cpp",
  ".cpp": "cpp",
  ".cxx": "cpp",
  ".hh": "cpp",
  ".hpp": "cpp",
  ".cs": "c-sharp",
  ".java": "java",
  ".rb": "ruby",
  ".php": "php",
  ".sh": "bash",
  ".bash": "bash",
  ".css": "css",
  ".ps1": "powershell",
  ".ini": "ini",
};

/** The tree-sitter grammar for a file name, or undefined when it is chunked by line windows. */
export function grammarFor(fileName: string): string | undefined {
  return GRAMMAR_BY_EXTENSION[path.extname(fileName).toLowerCase()];
}
