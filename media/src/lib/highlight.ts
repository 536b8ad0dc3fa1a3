// Syntax colours for code snippets in the webviews. VS Code gives webviews its UI colours as --vscode-*
// variables but not the theme's token colours, so highlight.js (through lowlight, which returns a tree rather
// than HTML: text stays text nodes) marks the tokens, and panel.css colours its classes with theme variables.
import bash from "highlight.js/lib/languages/bash";
import cpp from "highlight.js/lib/languages/cpp";
import go from "highlight.js/lib/languages/go";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import python from "highlight.js/lib/languages/python";
import rust from "highlight.js/lib/languages/rust";
import typescript from "highlight.js/lib/languages/typescript";
import yaml from "highlight.js/lib/languages/yaml";
import type { ElementContent } from "hast";
import { createLowlight } from "lowlight";
import { h } from "./dom";

const lowlight = createLowlight({ bash, cpp, go, java, javascript, json, markdown, python, rust, typescript, yaml });

/** File extension -> grammar: most of the languages LongLens chunks by syntax, and common text formats (C reads as C++). */
const LANGUAGES: Record<string, string> = {
  ts: "typescript", tsx: "typescript", mts: "typescript", cts: "typescript", js: "javascript", jsx: "javascript", mjs: "javascript", cjs: "javascript",
  py: "python", go: "go", rs: "rust", c: "cpp", h: "cpp", cc: "cpp", cpp: "cpp", cxx: "cpp", hpp: "cpp", java: "java", json: "json",
  md: "markdown", sh: "bash", bash: "bash", yml: "yaml", yaml: "yaml",
};

function toNode(node: ElementContent): Node {
  if (node.type === "text") return document.createTextNode(node.value);
  if (node.type !== "element") return document.createTextNode("");
  const classes = Array.isArray(node.properties.className) ? node.properties.className.join(" ") : "";
  return h("span", { class: classes }, ...node.children.map(toNode));
}

/** `code` from `file` as nodes coloured by its language; plain text for a language without a grammar. */
export function highlighted(code: string, file: string): Node[] {
  const language = LANGUAGES[file.slice(file.lastIndexOf(".") + 1).toLowerCase()];
  if (!language) return [document.createTextNode(code)];
  return lowlight.highlight(language, code).children.map((node) => toNode(node as ElementContent));
}
