"""Doc-comment <-> function pairs from the corpus: the question a developer might ask ("Parse a semver
range into comparators") beside the code that answers it. bench/retrieval.py ranks held-out functions by
their doc comments to measure code search; the training split's pairs train the retrieval head it tries.

JS/TS/C/C++: a `/** ... */` block directly above a declaration, the body taken by brace matching.
Python: a function's docstring (the body without it). The doc text is the description only (no
@tags / :param: lines), kept when it has at least MIN_WORDS words.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass

from common import corpus_dir

MIN_WORDS = 5
MAX_DOC_CHARS = 400
MAX_BODY_LINES = 60
PER_FILE = 20  # at most this many pairs from one file, so one big file does not dominate

BLOCK_COMMENT = re.compile(r"/\*\*(?!\*)(.*?)\*/[ \t]*\n", re.S)
NOT_DECLARATION = re.compile(r"^\s*(if|for|while|switch|return|catch|else|do)\b|^\s*[@}]")
TAG_LINE = re.compile(r"^\s*([@:]|Args:|Returns:|Raises:|Parameters\b|Example)")


@dataclass
class Pair:
    doc: str
    code: str
    lang: str
    path: str


def clean_doc(text: str) -> str | None:
    """The description part of a doc comment, on one line; None when too short or not prose."""
    lines = []
    for line in text.splitlines():
        line = line.strip().lstrip("*").strip()
        if TAG_LINE.match(line):
            break
        lines.append(line)
    doc = " ".join(" ".join(lines).split())
    lowered = doc.lower()
    if len(doc.split()) < MIN_WORDS or len(doc) > MAX_DOC_CHARS:
        return None
    if any(w in lowered for w in ("copyright", "license", "eslint", "istanbul", "@ts-")):
        return None
    return doc


def braced_body(src: str, start: int) -> str | None:
    """The declaration starting at `start` up to its matching closing brace (strings and comments are
    not parsed: a brace inside one can cut a body short, which only costs that pair)."""
    open_at = src.find("{", start, start + 400)
    head = src[start:open_at]
    # A declaration's head: a parameter list, no statement end or comment, at most three lines.
    if open_at < 0 or NOT_DECLARATION.match(head) or "(" not in head or ";" in head or "/*" in head or head.count("\n") > 2:
        return None
    depth = 0
    for i in range(open_at, len(src)):
        depth += {"{": 1, "}": -1}.get(src[i], 0)
        if depth == 0:
            body = src[start:i + 1]
            lines = body.count("\n") + 1
            return body if 3 <= lines <= MAX_BODY_LINES else None
    return None


def brace_pairs(src: str) -> list[tuple[str, str]]:
    pairs = []
    for m in BLOCK_COMMENT.finditer(src):
        doc = clean_doc(m.group(1))
        body = braced_body(src, m.end()) if doc else None
        if body:
            pairs.append((doc, body))
    return pairs


def python_pairs(src: str) -> list[tuple[str, str]]:
    try:
        tree = ast.parse(src)
    except (SyntaxError, ValueError):
        return []
    lines = src.splitlines()
    pairs = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        docstring = ast.get_docstring(node)
        doc = clean_doc(docstring.split("\n\n")[0]) if docstring else None
        if not doc or len(node.body) < 2 or node.end_lineno - node.lineno + 1 > MAX_BODY_LINES:
            continue
        first, doc_node = node.lineno - 1, node.body[0]
        if node.decorator_list:
            first = node.decorator_list[0].lineno - 1
        kept = lines[first:doc_node.lineno - 1] + lines[doc_node.end_lineno:node.end_lineno]
        pairs.append((doc, "\n".join(kept)))
    return pairs


def load_pairs(split: str, langs=("js", "ts", "python", "c_cpp")) -> list[Pair]:
    """Every pair from one corpus split, deduplicated by doc text (the first file in the manifest keeps it)."""
    root = corpus_dir()
    manifest = json.loads((root / "files.json").read_text())
    seen: set[str] = set()
    out: list[Pair] = []
    for entry in manifest:
        path = entry["path"]
        if entry["split"] != split or entry["lang"] not in langs or path.endswith(".d.ts"):
            continue
        src = (root / path).read_text(encoding="utf-8", errors="replace")
        found = python_pairs(src) if entry["lang"] == "python" else brace_pairs(src)
        for doc, code in found[:PER_FILE]:
            if doc not in seen:
                seen.add(doc)
                out.append(Pair(doc, code, entry["lang"], path))
    return out
