"""Fit DroPE's logit temperature beta = 1 + c * ln(L / L_train) on held-out code and store c in the
checkpoints' own configs (export and the runtime read it from there).

c is chosen on a grid to minimise the next-token loss beyond the training length, summed over
2x, 4x and 8x the training length (the lengths where a scalar fit is still cheap to measure here).
"""

from __future__ import annotations

import argparse
import math
import os

import numpy as np
import torch

from common import cache_dir, data_dir
from evaluate import long_nll
from export import load_checkpoint

GRID = (0.0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0)


def heldout_tokens(smoke: bool) -> np.ndarray:
    """All held-out languages, concatenated (documents stay separated by id 0)."""
    parts = sorted(data_dir(smoke).glob("heldout.*.bin"))
    if not parts:
        raise SystemExit(f"fit_beta: no held-out data in {data_dir(smoke)}; run prepare.py first")
    return np.concatenate([np.memmap(p, dtype=np.uint16, mode="r") for p in parts])


def fit(ck_path, tokens: np.ndarray, smoke: bool, log) -> float:
    model = load_checkpoint(ck_path)
    L = model.cfg.block_size
    lengths = (2 * L, 4 * L) if smoke else (2 * L, 4 * L, 8 * L)
    seqs = 1 if smoke else 3
    best = None
    for c in GRID:
        loss = sum(long_nll(model, tokens, n, seqs, 1.0 + c * math.log(n / L)) for n in lengths)
        log(f"  {ck_path.name} c={c:.2f} loss={loss / len(lengths):.4f}")
        if best is None or loss < best[1]:
            best = (c, loss)
    update_config(ck_path, beta_c=best[0])
    return best[0]


def update_config(ck_path, **fields):
    """Stores fitted values in a checkpoint's own config (export and the runtime read them from there)."""
    ck = torch.load(ck_path, weights_only=False)
    ck["config"].update(fields)
    tmp = ck_path.with_suffix(".tmp")
    torch.save(ck, tmp)
    os.replace(tmp, ck_path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    run = cache_dir(args.smoke) / "run"
    tokens = heldout_tokens(args.smoke)
    for name in ("drope", "repo"):
        c = fit(run / f"{name}.pt", tokens, args.smoke, print)
        print(f"{name}: beta_c = {c}")


if __name__ == "__main__":
    main()
