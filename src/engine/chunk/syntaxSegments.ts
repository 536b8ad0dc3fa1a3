import type { Node } from "@vscode/tree-sitter-wasm";
import { packSegments } from "./packSegments";
import type { LineMeasure, Segment } from "./segment";

/** Wrappers whose interesting kind is the declaration inside (`export function f`, `@decorator def f`). */
const WRAPPER_FIELDS = ["declaration", "definition"];
/** How far down a declaration's name is looked for (C's `int *f(void)` nests it in declarators). */
const NAME_SEARCH_DEPTH = 4;
const MAX_SYMBOL_LENGTH = 100;
/** Imports name what a file uses, not what it defines. */
const NOT_A_DEFINITION = /import|include|use_declaration|using|require/;

function lastRow(node: Node): number {
  const end = node.endPosition;
  // A node that ends at column 0 ends with the previous line's line break.
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

function unwrapped(node: Node): Node {
  for (const field of WRAPPER_FIELDS) {
    const inner = node.childForFieldName(field);
    if (inner) return inner;
  }
  return node;
}

/** The name a node declares (function, class, type, variable), if it has one near its start. */
function declaredName(declaration: Node): string | undefined {
  let current: Node | null = declaration;
  for (let depth = 0; current && depth < NAME_SEARCH_DEPTH; depth++) {
    const name = current.childForFieldName("name");
    if (name) return name.text;
    if (depth > 0 && current.type.endsWith("identifier")) return current.text;
    const row: number = current.startPosition.row;
    current =
      current.childForFieldName("declarator") ??
      current.namedChildren.find((child) => child !== null && child.startPosition.row === row && /declarator|spec/.test(child.type)) ??
      null;
  }
  return undefined;
}

/** `declaration` is unwrapped(node), which the caller has already looked up: each field lookup crosses into wasm. */
function symbolsOf(node: Node, declaration: Node): string[] {
  if (NOT_A_DEFINITION.test(node.type)) return [];
  const name = declaredName(declaration);
  return name && name.length <= MAX_SYMBOL_LENGTH && !name.includes("\n") ? [name] : [];
}

/** Segments for one node clipped to rows start..end: whole when it fits, else split along its children. */
function nodeSegments(node: Node, start: number, end: number, measure: LineMeasure): Segment[] {
  const declaration = unwrapped(node);
  const kind = declaration.type;
  const symbols = symbolsOf(node, declaration);
  if (measure.fits(start, end)) return [{ start, end, kind, symbols }];
  const inner = childSegments(node, start, end, measure, true);
  if (inner.length <= 1) return measure.windows(start, end, kind, symbols);
  const [first, second] = [inner[0]!, inner[1]!];
  // The header (`class Foo {`, `impl Bar {`) opens the chunk of the first member rather than standing alone.
  const isHeader = first.kind === node.type && first.start === start;
  if (isHeader && measure.fits(first.start, second.end)) {
    inner.splice(0, 2, { ...second, start: first.start, symbols: [...symbols, ...second.symbols] });
  } else {
    inner[0] = { ...first, symbols: [...symbols, ...first.symbols] };
  }
  // Pieces of one node are packed among themselves, never with the unrelated code around the node.
  return packSegments(inner, measure);
}

/**
 * Rows start..end of `node` cut along its named children; the lines between them (headers, braces) become gaps
 * of the node's own kind. With `hasHeader`, children on the first row only (names, parameters) stay in the header.
 */
function childSegments(node: Node, start: number, end: number, measure: LineMeasure, hasHeader: boolean): Segment[] {
  const segments: Segment[] = [];
  const gap = (from: number, to: number): void => {
    if (from <= to && !measure.isBlank(from, to)) segments.push(...measure.windows(from, to, node.type));
  };
  let cursor = start;
  for (const child of node.namedChildren) {
    if (!child) continue;
    const childStart = Math.max(child.startPosition.row, cursor);
    const childEnd = Math.min(lastRow(child), end);
    if (childEnd < childStart) continue; // shares a row with what came before
    if (hasHeader && childStart === start && childEnd === start) continue;
    gap(cursor, childStart - 1);
    segments.push(...nodeSegments(child, childStart, childEnd, measure));
    cursor = childEnd + 1;
  }
  gap(cursor, end);
  return segments;
}

/** Syntax-bounded segments covering the non-blank lines of a parsed file, in order, not yet packed. */
export function syntaxSegments(root: Node, measure: LineMeasure): Segment[] {
  const end = measure.lines.length - 1;
  return end < 0 ? [] : childSegments(root, 0, end, measure, false);
}
