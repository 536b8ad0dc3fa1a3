"""Writes test/fixtures/tokenizer-parity.json: real held-out snippets plus edge cases with the Python token ids,
so the TypeScript tokenizer test can check it produces exactly the same ids."""
from __future__ import annotations

import json
import random

from tokenizers import Tokenizer

from common import REPO_ROOT, TOKENIZER_PATH, load_manifest, read_text, sha256_file

FIXTURE = REPO_ROOT / "test" / "fixtures" / "tokenizer-parity.json"
SNIPPETS = 1100
MAX_FIXTURE_BYTES = 1_400_000
SEED = 1234

EDGE_CASES = [
    "",
    "\r",
    "a\rb\r\rc",
    "\r\n",
    "line one\r\nline two\r\n\r\n",
    "\t\tindented\twith\ttabs\n",
    "   \n      \n",
    "const rocket = \"🚀\"; // emoji 👩‍👩‍👧‍👦 (family, ZWJ) and 🇫🇷 (flag)",
    "const greeting = '你好，世界'; // 漢字 かな カナ 한국어",
    "e\u0301 a\u0308 n\u0303 — combining marks; ẹ́ stacked",
    "\ufeffexport default 1;\n",
    "x = 1<|endoftext|>y = 2",
    "12345678901234567890 0x7fffffff 3.14159e-10",
    "ﬁ ℌ Ⅻ ½ ① — compatibility characters stay as they are",
    "\u0000\u0001\u001f\u007f control characters",
    "مرحبا بالعالم // right-to-left",
    " " * 64 + "deep",
]


def snippet_from(text: str, rng: random.Random) -> str:
    # Mostly short snippets (cheap to store), some long ones; lengths are in code points.
    length = min(len(text), int(2 ** rng.uniform(0, 11)))
    start = rng.randrange(0, len(text) - length + 1)
    return text[start:start + length]


def main() -> None:
    rng = random.Random(SEED)
    tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
    files = [e for e in load_manifest() if e["split"] == "heldout"]
    texts = {e["path"]: read_text(e["path"]) for e in files}
    special = [t for t in texts.values() if any(ord(c) > 127 for c in t)]
    tabbed = [t for t in texts.values() if "\t" in t]
    snippets: list[str] = []
    # Real text with non-ASCII and tabs on purpose; the held-out corpus has no CRLF files, so real snippets are
    # also given Windows line endings.
    for pool in (special, tabbed):
        for _ in range(100):
            snippets.append(snippet_from(rng.choice(pool), rng))
    for _ in range(100):
        snippets.append(snippet_from(texts[rng.choice(files)["path"]], rng).replace("\n", "\r\n"))
    while len(snippets) < SNIPPETS:
        snippets.append(snippet_from(texts[rng.choice(files)["path"]], rng))
    cases = [{"text": text, "ids": tokenizer.encode(text).ids} for text in EDGE_CASES + snippets]
    fixture = {"tokenizer_sha256": sha256_file(TOKENIZER_PATH), "cases": cases}
    encoded = json.dumps(fixture, ensure_ascii=False, separators=(",", ":"))
    if len(encoded.encode()) > MAX_FIXTURE_BYTES:
        raise SystemExit(f"fixture would be {len(encoded.encode()):,} bytes; lower SNIPPETS or the lengths")
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(encoded + "\n", encoding="utf-8")
    print(f"{len(cases)} cases, {len(encoded.encode()):,} bytes -> {FIXTURE}")


if __name__ == "__main__":
    main()
