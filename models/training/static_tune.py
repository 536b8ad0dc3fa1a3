"""Tunes the distilled static table on code (the Tokenlearn idea): for each chunk of static_corpus.py, the
IDF-weighted mean of its tokens' rows should point where all-MiniLM-L6-v2 embeds the chunk. Loss: 1 - cosine
to MiniLM's vector, plus a pull towards the distilled rows so words that code rarely uses keep their meaning.
The number of steps is picked on an eighth of the chunks held aside."""
from __future__ import annotations

import re

import numpy as np
import torch

WORD = re.compile(r"[\w$]+")
PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
STEPS, LR, PULL, SEED = 400, 3e-3, 1.0, 0


def code_words(text: str) -> str:
    """The engine's codeWords (src/engine/semantic/codeWords.ts), for ASCII identifiers."""
    words = []
    for word in WORD.findall(text):
        parts = [p.lower() for piece in re.split(r"[_$]+", word) for p in PART.findall(piece)]
        words += parts if parts and not (len(parts) == 1 and parts[0] == word.lower()) else [word.lower().replace("_", "").replace("$", "")]
    return " ".join(w for w in words if w)


def bag(tokenizer, texts: list[str], vocab: int, unk: int) -> tuple[torch.Tensor, np.ndarray]:
    """Sparse (chunks, vocab) matrix of IDF-weighted token counts, and the IDF used (as the engine computes it)."""
    ids = [[i for i in tokenizer.encode(code_words(t), add_special_tokens=False).ids if i != unk] for t in texts]
    df = np.zeros(vocab)
    for row in ids:
        df[list(set(row))] += 1
    idf = np.log(1 + len(texts) / (1 + df))
    rows, cols, vals = [], [], []
    for r, row in enumerate(ids):
        for i in row:
            rows.append(r), cols.append(i), vals.append(idf[i])
    x = torch.sparse_coo_tensor(torch.tensor([rows, cols]), torch.tensor(vals, dtype=torch.float32), (len(texts), vocab)).coalesce()
    return x, idf


def tune(table: np.ndarray, x: torch.Tensor, targets: np.ndarray, log) -> np.ndarray:
    torch.manual_seed(SEED)
    n = x.shape[0]
    order = torch.randperm(n)
    aside, fit = order[: n // 8], order[n // 8:]
    dense = x.to_dense()  # a few thousand chunks: dense rows are cheap and make the split trivial
    x_fit, x_aside = dense[fit].to_sparse(), dense[aside].to_sparse()
    t = torch.nn.functional.normalize(torch.as_tensor(targets, dtype=torch.float32), dim=-1)
    start = torch.as_tensor(table, dtype=torch.float32)
    scale = start.norm(dim=1).mean()
    e = start.clone().requires_grad_(True)
    opt = torch.optim.Adam([e], lr=LR * float(scale))
    used = (dense[fit].abs().sum(0) > 0)

    def cosine(xs, rows):
        return torch.nn.functional.cosine_similarity(torch.sparse.mm(xs, e), t[rows], dim=-1).mean()

    best = (float(cosine(x_aside, aside).detach()), 0, e.detach().clone())
    log(f"  held-aside cosine to MiniLM before tuning: {best[0]:.4f}")
    for step in range(1, STEPS + 1):
        loss = 1 - cosine(x_fit, fit) + PULL * ((e[used] - start[used]) ** 2).sum(1).mean() / scale ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 25 == 0:
            with torch.no_grad():
                held = float(cosine(x_aside, aside))
            log(f"  step {step}: loss {float(loss):.4f}, held-aside cosine {held:.4f}")
            if held > best[0]:
                best = (held, step, e.detach().clone())
    log(f"  kept step {best[1]} (held-aside cosine {best[0]:.4f})")
    return best[2].numpy()
