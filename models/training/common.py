"""Paths and small helpers shared by the LongLens training scripts (corpus, tokenizer, data, model)."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path

TRAINING_DIR = Path(__file__).resolve().parent
MODELS_DIR = TRAINING_DIR.parent
REPO_ROOT = MODELS_DIR.parent
CORPUS_SPEC = TRAINING_DIR / "corpus.json"
TOKENIZER_PATH = MODELS_DIR / "tokenizer.json"

END_OF_TEXT = "<|endoftext|>"
END_OF_TEXT_ID = 0
VOCAB_SIZE = 8192
SMOKE_VOCAB_SIZE = 1024

# Held-out evaluation is reported per language; these are the language keys used in file names.
EXTENSION_LANGUAGE = {
    ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "js",
    ".ts": "ts", ".tsx": "ts", ".mts": "ts", ".cts": "ts",
    ".py": "python", ".pyi": "python",
    ".c": "c_cpp", ".h": "c_cpp", ".cc": "c_cpp", ".cpp": "c_cpp", ".cxx": "c_cpp", ".hpp": "c_cpp", ".hh": "c_cpp",
    ".go": "go",
    ".rs": "rust",
}


def cache_dir(smoke: bool = False) -> Path:
    """Everything generated lives here, never in git; smoke runs get their own folder so they cannot clobber a real run."""
    base = Path(os.environ.get("LONGLENS_CACHE", Path.home() / ".cache" / "longlens")) / "training"
    return base / "smoke" if smoke else base


def corpus_dir(smoke: bool = False) -> Path:
    return cache_dir(smoke) / "corpus"


def data_dir(smoke: bool = False) -> Path:
    return cache_dir(smoke) / "data"


def tokenizer_path(smoke: bool = False) -> Path:
    """The full tokenizer ships in models/; the smoke one stays in the cache."""
    return cache_dir(True) / "tokenizer.json" if smoke else TOKENIZER_PATH


def language_of(path: str) -> str | None:
    name = path.lower()
    return EXTENSION_LANGUAGE.get(os.path.splitext(name)[1])


def load_manifest(smoke: bool = False) -> list[dict]:
    """The corpus files in a fixed order: [{split, package, lang, path (absolute), bytes}], written by corpus.py."""
    manifest = corpus_dir(smoke) / "files.json"
    if not manifest.exists():
        raise SystemExit(f"{manifest} is missing: run models/training/corpus.py{' --smoke' if smoke else ''} first")
    root = corpus_dir(smoke)
    return [dict(entry, path=str(root / entry["path"])) for entry in json.loads(manifest.read_text())]


def read_text(path: str) -> str:
    # newline="" keeps CRLF and lone CR exactly as in the file: the tokenizer must see real line endings.
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def smoke_flag(description: str, meaning: str) -> bool:
    """Parses the one option every pipeline step has: --smoke, a tiny run that writes only to the smoke cache."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help=meaning)
    return parser.parse_args().smoke
