"""Train the LongLens model in three phases, each resumable from its last checkpoint:

  rope   pre-training with RoPE in every layer and the fast-weight memory meta-trained;
  drope  DroPE: RoPE dropped from every layer, recalibrated at the same length (a baseline);
  repo   DroPE + REPO: lower layers dropped to NoPE, upper layers get REPO positions (the shipped model).

Both recalibrations start from the final rope checkpoint. Run: python train.py [--smoke].
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
import zlib
from pathlib import Path

import torch
import torch.nn.functional as F

from batches import TokenStream, make_batch
from model import AttnContext, LongLensModel, ModelConfig, with_pos_modes
from common import cache_dir, data_dir, tokenizer_path

# --- config (full run; --smoke shrinks everything) ---
# The training mix, the same at every size.
MIX = dict(needle_share=0.5, repeat_share=0.25, window_share=0.5, nowrite_share=0.1, late_nowrite_share=0.4, late_from=0.6)
FULL = dict(
    d_model=256, n_layer=4, n_head=4, d_mlp=640, block_size=256,
    batch=24, rope_steps=2000, recal_steps=300, lr=1e-3, recal_lr=5e-4, warmup=100, ckpt_every=100, **MIX,
)
SMOKE = dict(
    d_model=64, n_layer=3, n_head=2, d_mlp=128, block_size=64,
    batch=4, rope_steps=30, recal_steps=10, lr=1e-3, recal_lr=5e-4, warmup=5, ckpt_every=10, **MIX,
)


def run_dir(smoke: bool) -> Path:
    return cache_dir(smoke) / "run"


def upper_repo_modes(n_layer: int) -> list[str]:
    """The lower ~third dropped to NoPE, REPO from there up (never in layer 0)."""
    lower = max(1, round(n_layer / 3))
    return ["none"] * lower + ["repo"] * (n_layer - lower)


def save_atomic(obj, path: Path):
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def smooth(old: float, new: float) -> float:
    """Exponential moving average that skips NaN (a batch without needles) and starts at the first value."""
    if new != new:
        return old
    return new if old != old else 0.95 * old + 0.05 * new


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def nowrite_share(hp: dict, phase: str, step: int, steps: int) -> float:
    """Share of steps with the memory left empty (and full attention). The memory is the easier way to
    retrieve and is learned first; from `late_from` of pre-training on, and in the recalibrations,
    attention alone must answer more often, or it never learns to copy."""
    late = phase != "rope" or step >= hp["late_from"] * steps
    return hp["late_nowrite_share"] if late else hp["nowrite_share"]


def train_phase(name: str, model: LongLensModel, steps: int, peak_lr: float, hp: dict, stream, out: Path, log,
                origin: int = 0):
    """Trains `model` to `steps`, resuming from its checkpoint. A finished phase asked for more steps goes on
    (that is how a run is extended). `origin` is the pre-training step a recalibration starts from: a
    recalibration begun from another pre-training checkpoint starts over."""
    ckpt_path = out / f"{name}.pt"
    opt = torch.optim.AdamW(model.parameters(), lr=peak_lr, betas=(0.9, 0.95), weight_decay=0.1)
    step, seconds, tokens = 0, 0.0, 0
    ck = torch.load(ckpt_path, weights_only=False) if ckpt_path.exists() else None
    if ck is not None and ck.get("origin", 0) != origin:
        log(f"{name}: its checkpoint started from pre-training step {ck.get('origin', 0)}, not {origin}: starting over")
        ck = None
    if ck is not None:
        model.load_state_dict(ck["model"])
        if ck["step"] >= steps:
            log(f"{name}: done already ({ck['step']} steps)")
            return model, ck
        opt.load_state_dict(ck["optimizer"])
        step, seconds, tokens = ck["step"], ck["seconds"], ck["tokens"]
        log(f"{name}: resuming at step {step} of {steps}")
    rng = random.Random(zlib.crc32(f"{name}:{step}".encode()))  # a resumed run draws new batches, reproducibly
    cfg = model.cfg
    model.train()
    t_last = time.time()
    ema = (float("nan"), float("nan"))
    while step < steps:
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, peak_lr, hp["warmup"])
        x, y, w = make_batch(stream, rng, hp["batch"], cfg.block_size, hp["needle_share"], hp["repeat_share"])
        write = rng.random() >= nowrite_share(hp, name, step, steps)
        window = cfg.mem_chunk if write and rng.random() < hp["window_share"] else 0
        logits = model(x, AttnContext(window=window), write=write)
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none")
        loss = (nll * w.reshape(-1)).sum() / w.sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens += x.numel()
        now = time.time()
        seconds += now - t_last
        t_last = now
        answer = w.reshape(-1) > 1  # the needle answers: is retrieval being learned?
        ans = (nll.detach()[answer].mean().item() if answer.any() else float("nan"), loss.item())
        ema = tuple(smooth(e, a) for e, a in zip(ema, ans))
        if step % 10 == 0 or step == steps:
            log(f"{name} step {step}/{steps} loss {ema[1]:.3f} answer-nll {ema[0]:.3f} "
                f"lr {opt.param_groups[0]['lr']:.2e} {tokens / max(seconds, 1e-9):.0f} tok/s")
        if step % hp["ckpt_every"] == 0 or step == steps:
            save_atomic(dict(config=cfg.to_dict(), model=model.state_dict(), optimizer=opt.state_dict(), step=step,
                             seconds=seconds, tokens=tokens, phase=name, origin=origin, done=step >= steps), ckpt_path)
    return model, torch.load(ckpt_path, weights_only=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="toy sizes, a few steps: checks the pipeline")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--rope-steps", type=int, default=0, help="override the pre-training steps")
    ap.add_argument("--recal-steps", type=int, default=0, help="override each recalibration's steps")
    args = ap.parse_args()
    hp = dict(SMOKE if args.smoke else FULL)
    if args.rope_steps:
        hp["rope_steps"] = args.rope_steps
    if args.recal_steps:
        hp["recal_steps"] = args.recal_steps
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    out = run_dir(args.smoke)
    out.mkdir(parents=True, exist_ok=True)
    logf = open(out / "train.log", "a")

    def log(msg):
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    stream = TokenStream(data_dir(args.smoke) / "train.bin", tokenizer_path(args.smoke))
    cfg = ModelConfig(
        vocab_size=stream.tokenizer.get_vocab_size(), n_layer=hp["n_layer"], n_head=hp["n_head"],
        d_model=hp["d_model"], d_mlp=hp["d_mlp"], block_size=hp["block_size"], pos_modes=["rope"] * hp["n_layer"],
        mem_chunk=hp["block_size"] // 4, mem_subkeys=16 if args.smoke else 64,
    )
    model = LongLensModel(cfg)
    log(f"model: {model.num_params():,} parameters, config {cfg.to_dict()}")
    phases = {}
    model, phases["rope"] = train_phase("rope", model, hp["rope_steps"], hp["lr"], hp, stream, out, log)
    drope = with_pos_modes(model, ["none"] * cfg.n_layer)
    origin = phases["rope"]["step"]
    _, phases["drope"] = train_phase("drope", drope, hp["recal_steps"], hp["recal_lr"], hp, stream, out, log, origin)
    repo = with_pos_modes(model, upper_repo_modes(cfg.n_layer))
    _, phases["repo"] = train_phase("repo", repo, hp["recal_steps"], hp["recal_lr"], hp, stream, out, log, origin)
    summary = {
        "parameters": repo.num_params(),
        "hyperparameters": hp,
        "threads": torch.get_num_threads(),
        "phases": {k: {"steps": v["step"], "tokens": v["tokens"], "seconds": round(v["seconds"], 1)} for k, v in phases.items()},
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    log("all phases done")


if __name__ == "__main__":
    main()
