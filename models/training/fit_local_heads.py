"""Fit which attention heads stay local at any length, after fit_beta.py; the result is stored in the
checkpoints' own configs (local_heads, local_window) and export bakes it into the graphs.

Without positions, a head that reads the last few tokens at the training length does so through content
and the causal mask alone; far beyond that length its attention spreads over keys it never had to tell
apart, and what it carried (the tokens just before, e.g. the value before an assignment's key) is lost.
A head that puts at least `tau` of its attention on the last W tokens at the training length is made to
read only its last W keys at every length (a streaming head, as DuoAttention calls them); the others stay
global. (W, tau) is chosen on a grid by the loss of the answer after single needles at 4x and 16x the
training length (smoother than accuracy on a few prompts), planted in training code with keys from
CALIBRATION_WORDS: no evaluation key, no trained key, no held-out code. Every head global is a candidate.
"""

from __future__ import annotations

import argparse
import random

import numpy as np
import torch
from tokenizers import Tokenizer

from batches import line_break_tokens, random_window
from common import cache_dir, data_dir, tokenizer_path
from evaluate import as_input, needle_answer_nll
from export import load_checkpoint
from fit_beta import update_config
from model import AttnContext, LongLensModel, with_local_heads
from needles import CALIBRATION_WORDS

# Windows below the training length (at it, every head would count as local).
FULL = dict(windows=(32, 64, 128), taus=(0.9, 0.8, 0.7, 0.6), mults=(4, 16), trials=32, samples=32)
SMOKE = dict(windows=(8, 16), taus=(0.6, 0.3), mults=(2, 4), trials=2, samples=2)


@torch.no_grad()
def locality(model: LongLensModel, tokens: np.ndarray, windows, samples: int, seed: int = 0) -> torch.Tensor:
    """(layers, heads, windows): the mean attention mass each head puts on the last W tokens (itself
    included), over the second half of training-length windows of code."""
    L = model.cfg.block_size
    draw = random.Random(seed)
    lag = (torch.arange(L).view(-1, 1) - torch.arange(L).view(1, -1))[L // 2:]
    within = [(lag >= 0) & (lag < w) for w in windows]  # (queries, keys) per window
    mass = torch.zeros(model.cfg.n_layer, model.cfg.n_head, len(windows))
    for _ in range(samples):
        trace: dict = {}
        model(as_input(random_window(tokens, draw, L), "cpu"), AttnContext(want_probs=True), trace=trace, write=False)
        for layer, probs in trace["probs"].items():
            p = probs[0, :, L // 2:]  # (H, queries, keys)
            for a, near in enumerate(within):
                mass[layer, :, a] += (p * near).sum(-1).mean(-1) / samples
    return mass


def fit(ck_path, tokens: np.ndarray, tok, hp: dict, log) -> tuple[list[list[int]], int]:
    model = load_checkpoint(ck_path)
    ends = line_break_tokens(tok)
    mass = locality(model, tokens, hp["windows"], hp["samples"])
    n_layer, n_head = model.cfg.n_layer, model.cfg.n_head
    candidates = [([], 0)]  # every head global
    for a, w in enumerate(hp["windows"]):
        for tau in hp["taus"]:
            heads = [[h for h in range(n_head) if mass[layer, h, a] >= tau] for layer in range(n_layer)]
            if any(heads) and (heads, w) not in candidates:
                candidates.append((heads, w))
    best = None
    for heads, w in candidates:
        m = with_local_heads(model, heads, w)
        losses = [needle_answer_nll(m, tok, tokens, ends, k * model.cfg.block_size, hp["trials"], seed=100,
                                    words=CALIBRATION_WORDS) for k in hp["mults"]]
        log(f"  {ck_path.name} local heads {heads} window {w}: answer loss " +
            " ".join(f"{k}x {loss:.3f}" for k, loss in zip(hp["mults"], losses)))
        if best is None or sum(losses) < best[0]:
            best = (sum(losses), heads, w)
    _, heads, w = best
    return heads, w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    hp = SMOKE if args.smoke else FULL
    tok = Tokenizer.from_file(str(tokenizer_path(args.smoke)))
    tokens = np.memmap(data_dir(args.smoke) / "train.bin", dtype=np.uint16, mode="r")
    run = cache_dir(args.smoke) / "run"
    for name in ("drope", "repo"):
        heads, window = fit(run / f"{name}.pt", tokens, tok, hp, print)
        update_config(run / f"{name}.pt", local_heads=heads, local_window=window)
        print(f"{name}: local heads {heads}, window {window}")


if __name__ == "__main__":
    main()
