"""Tokenizes the corpus into flat uint16 token files for training and evaluation.

<data>/train.bin and <data>/heldout.<lang>.bin hold every file's tokens followed by <|endoftext|> (id 0), files in
manifest order (train files of one package stay adjacent: cross-file context is real). <data>/train_docs.npy and
<data>/heldout_docs.<lang>.npy hold each file's (start, end) token offsets, end exclusive and before the separator.
<data>/meta.json has the counts, the vocabulary size and the tokenizer's sha256.
"""
from __future__ import annotations

import collections
import json
import time
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from common import END_OF_TEXT_ID, data_dir, load_manifest, read_text, sha256_file, smoke_flag, tokenizer_path

BATCH_FILES = 256


def tokenize_documents(tokenizer: Tokenizer, entries: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """All files' ids with a separator after each, and each file's (start, end) offsets."""
    pieces: list[np.ndarray] = []
    bounds = np.zeros((len(entries), 2), dtype=np.int64)
    position = 0
    for first in range(0, len(entries), BATCH_FILES):
        batch = entries[first:first + BATCH_FILES]
        encodings = tokenizer.encode_batch([read_text(e["path"]) for e in batch], add_special_tokens=False)
        for offset, encoding in enumerate(encodings):
            ids = np.asarray(encoding.ids, dtype=np.uint16)
            bounds[first + offset] = (position, position + len(ids))
            pieces.append(ids)
            pieces.append(np.array([END_OF_TEXT_ID], dtype=np.uint16))
            position += len(ids) + 1
    tokens = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint16)
    return tokens, bounds


def write_split(tokenizer: Tokenizer, entries: list[dict], out: Path, bin_name: str, docs_name: str) -> dict:
    tokens, bounds = tokenize_documents(tokenizer, entries)
    tokens.tofile(out / bin_name)
    np.save(out / docs_name, bounds)
    lengths = bounds[:, 1] - bounds[:, 0]
    by_lang: dict = collections.defaultdict(lambda: {"files": 0, "bytes": 0, "tokens": 0})
    for entry, length in zip(entries, lengths):
        stats = by_lang[entry["lang"]]
        stats["files"] += 1
        stats["bytes"] += entry["bytes"]
        stats["tokens"] += int(length)
    for stats in by_lang.values():
        stats["tokens_per_byte"] = round(stats["tokens"] / max(stats["bytes"], 1), 4)
    return {"file": bin_name, "docs": docs_name, "tokens": int(tokens.size), "documents": len(entries),
            "bytes": sum(e["bytes"] for e in entries), "by_lang": dict(sorted(by_lang.items()))}


def package_runs(entries: list[dict]) -> list[dict]:
    """Consecutive documents of each package, so samplers can keep a window inside one codebase."""
    runs: list[dict] = []
    for index, entry in enumerate(entries):
        if runs and runs[-1]["package"] == entry["package"]:
            runs[-1]["documents"] += 1
        else:
            runs.append({"package": entry["package"], "first_document": index, "documents": 1})
    return runs


def main() -> None:
    smoke = smoke_flag(__doc__, "the smoke corpus and tokenizer")
    started = time.time()
    source = tokenizer_path(smoke)
    if not source.exists():
        raise SystemExit(f"{source} is missing: run models/training/tokenizer_train.py{' --smoke' if smoke else ''} first")
    tokenizer = Tokenizer.from_file(str(source))
    if tokenizer.get_vocab_size() > 65536:
        raise SystemExit("vocabulary does not fit uint16 token files")
    manifest = load_manifest(smoke)
    out = data_dir(smoke)
    out.mkdir(parents=True, exist_ok=True)
    train = [e for e in manifest if e["split"] == "train"]
    heldout: dict[str, list[dict]] = collections.defaultdict(list)
    for entry in manifest:
        if entry["split"] == "heldout":
            heldout[entry["lang"]].append(entry)
    meta = {
        "dtype": "uint16",
        "separator_id": END_OF_TEXT_ID,
        "vocab_size": tokenizer.get_vocab_size(),
        "tokenizer": str(source),
        "tokenizer_sha256": sha256_file(source),
        "train": write_split(tokenizer, train, out, "train.bin", "train_docs.npy"),
        "train_packages": package_runs(train),
        "heldout": {lang: write_split(tokenizer, entries, out, f"heldout.{lang}.bin", f"heldout_docs.{lang}.npy")
                    for lang, entries in sorted(heldout.items())},
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2))
    print(f"train: {meta['train']['tokens']:,} tokens from {meta['train']['bytes'] / 1e6:.1f} MB")
    for lang, split in meta["heldout"].items():
        print(f"heldout.{lang}: {split['tokens']:,} tokens from {split['bytes'] / 1e6:.2f} MB")
    print(f"{time.time() - started:.1f}s -> {out}")


if __name__ == "__main__":
    main()
