"""Train the LongLens model in three phases, each resumable from its last checkpoint:

  rope   pre-training with RoPE in every layer and the fast-weight memory meta-trained;
  drope  DroPE: RoPE dropped from every layer, recalibrated at the same length (a baseline);
  repo   DroPE + REPO: lower layers dropped to NoPE, upper layers get REPO positions (the shipped model).

Both recalibrations start from the final rope checkpoint. Run: python train.py [--smoke]. The shipped
run, on a GPU: python train.py --device cuda --batch 128 --lr 1.5e-3 --ckpt-every 2000 --time-budget 470
(the budget sets every phase's step count from a measured step time).
"""

from __future__ import annotations

import argparse
import copy
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
from model import AttnContext, LongLensModel, MemoryState, ModelConfig, with_pos_modes
from common import cache_dir, data_dir, tokenizer_path

# --- config (full run; --smoke shrinks everything) ---
# The training mix, the same at every size. Of the steps that write the memory, `long_share` read
# `long_factor` times the training length (fewer rows, same tokens) through sliding-window attention, so
# the memory is read after many writes; each write step draws its table size from `mem_tables`
# (sub-keys per half), so the model learns to read tables from nearly empty to 4 tokens per slot.
MIX = dict(needle_share=0.5, repeat_share=0.25, window_share=0.5, nowrite_share=0.1, late_nowrite_share=0.4, late_from=0.6,
           recal_nowrite_share=0.4, long_share=0.3, long_factor=4)
FULL = dict(
    d_model=256, n_layer=4, n_head=4, d_mlp=640, block_size=256, mem_tables=(16, 32, 64, 128, 256),
    batch=24, rope_steps=2000, recal_steps=300, lr=1e-3, recal_lr=5e-4, warmup=100, ckpt_every=100, **MIX,
)
SMOKE = dict(
    d_model=64, n_layer=3, n_head=2, d_mlp=128, block_size=64, mem_tables=(8, 16),
    batch=4, rope_steps=30, recal_steps=10, lr=1e-3, recal_lr=5e-4, warmup=5, ckpt_every=10, **MIX,
)
RECAL_SHARE = 0.13  # with --time-budget: each recalibration's share of the budget (pre-training gets the rest)


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


def lr_at(step: int, total: int, peak: float, warmup: int, warm_from: int = 0) -> float:
    """Linear warm-up over `warmup` steps from `warm_from` (where the optimiser started), cosine decay to
    a tenth of the peak by `total`."""
    ramp = min(1.0, (step - warm_from + 1) / warmup)
    if step < warmup:
        return peak * ramp
    progress = (step - warmup) / max(1, total - warmup)
    return ramp * peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def nowrite_share(hp: dict, phase: str, step: int, steps: int) -> float:
    """Share of steps with the memory left empty (and full attention). The memory is the easier way to
    retrieve and is learned first; from `late_from` of pre-training on attention alone must answer more
    often, or it never learns to copy. The recalibrations, which re-learn retrieval without RoPE, have
    their own share."""
    if phase != "rope":
        return hp["recal_nowrite_share"]
    return hp["late_nowrite_share"] if step >= hp["late_from"] * steps else hp["nowrite_share"]


def train_step(model: LongLensModel, opt, hp: dict, stream, rng: random.Random, phase: str, step: int, steps: int,
               device: str):
    """One optimiser step on a freshly drawn batch; returns (answer nll or NaN, loss, tokens)."""
    cfg = model.cfg
    write = rng.random() >= nowrite_share(hp, phase, step, steps)
    long = write and rng.random() < hp["long_share"]
    factor = hp["long_factor"] if long else 1
    x, y, w = (t.to(device) for t in make_batch(stream, rng, hp["batch"] // factor, cfg.block_size * factor,
                                                 hp["needle_share"], hp["repeat_share"]))
    window = cfg.mem_chunk if long or (write and rng.random() < hp["window_share"]) else 0
    state = MemoryState.fresh(cfg, x.shape[0], rng.choice(hp["mem_tables"]), device) if write else None
    logits = model(x, AttnContext(window=window), state=state, write=write)
    nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none")
    loss = (nll * w.reshape(-1)).sum() / w.sum()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    answer = w.reshape(-1) > 1  # the needle answers: is retrieval being learned?
    return (nll.detach()[answer].mean().item() if answer.any() else float("nan")), loss.item(), x.numel()


def make_optimizer(model: LongLensModel, lr: float):
    return torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)


def seconds_per_step(model: LongLensModel, hp: dict, stream, device: str, steps: int = 30) -> float:
    """Measured on a throwaway copy with the early pre-training mix, the slowest (most steps write the
    memory), so a budget is not overrun; the first steps warm the device up."""
    trial = copy.deepcopy(model)
    opt = make_optimizer(trial, hp["lr"] / 10)
    rng = random.Random(1)
    for i in range(steps + 5):
        if i == 5:
            sync(device)
            t0 = time.time()
        train_step(trial, opt, hp, stream, rng, "rope", 0, 1, device)
    sync(device)
    return (time.time() - t0) / steps


def sync(device: str):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def train_phase(name: str, model: LongLensModel, steps: int, peak_lr: float, hp: dict, stream, out: Path, log,
                origin: int = 0, device: str = "cpu"):
    """Trains `model` to `steps`, resuming from its checkpoint. A finished phase asked for more steps goes on
    (that is how a run is extended). `origin` is the pre-training step a recalibration starts from: a
    recalibration begun from another pre-training checkpoint starts over."""
    ckpt_path = out / f"{name}.pt"
    model.to(device)
    opt = make_optimizer(model, peak_lr)
    step, seconds, tokens, warm_from = 0, 0.0, 0, 0
    ck = torch.load(ckpt_path, weights_only=False, map_location=device) if ckpt_path.exists() else None
    if ck is not None and ck.get("origin", 0) != origin:
        log(f"{name}: its checkpoint started from pre-training step {ck.get('origin', 0)}, not {origin}: starting over")
        ck = None
    if ck is not None:
        model.load_state_dict(ck["model"])
        if ck["step"] >= steps:
            log(f"{name}: done already ({ck['step']} steps)")
            return model, ck
        step, seconds, tokens = ck["step"], ck["seconds"], ck["tokens"]
        if "optimizer" in ck:
            opt.load_state_dict(ck["optimizer"])
        else:  # weights only (a checkpoint slimmed for transfer): a fresh optimiser warms up again
            warm_from = step
            log(f"{name}: no optimiser state in the checkpoint: a fresh one, warmed up over {hp['warmup']} steps")
        log(f"{name}: resuming at step {step} of {steps}")
    rng = random.Random(zlib.crc32(f"{name}:{step}".encode()))  # a resumed run draws new batches, reproducibly
    model.train()
    t_last = time.time()
    ema = (float("nan"), float("nan"))
    while step < steps:
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, peak_lr, hp["warmup"], warm_from)
        answer_nll, loss, n = train_step(model, opt, hp, stream, rng, name, step, steps, device)
        step += 1
        tokens += n
        now = time.time()
        seconds += now - t_last
        t_last = now
        ema = tuple(smooth(e, a) for e, a in zip(ema, (answer_nll, loss)))
        if step % 10 == 0 or step == steps:
            log(f"{name} step {step}/{steps} loss {ema[1]:.3f} answer-nll {ema[0]:.3f} "
                f"lr {opt.param_groups[0]['lr']:.2e} {tokens / max(seconds, 1e-9):.0f} tok/s")
        if step % hp["ckpt_every"] == 0 or step == steps:
            # Weights are saved on the CPU (a copy keeps the tied embedding tied), so a checkpoint made on a GPU loads anywhere.
            weights = copy.deepcopy(model).cpu().state_dict()
            save_atomic(dict(config=model.cfg.to_dict(), model=weights, optimizer=opt.state_dict(), step=step,
                             seconds=seconds, tokens=tokens, phase=name, origin=origin, done=step >= steps), ckpt_path)
    return model, torch.load(ckpt_path, weights_only=False, map_location="cpu")


def main():
    ap = argparse.ArgumentParser(allow_abbrev=False)  # train.sh passes unknown options here: no guessing
    ap.add_argument("--smoke", action="store_true", help="toy sizes, a few steps: checks the pipeline")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--rope-steps", type=int, default=0, help="override the pre-training steps")
    ap.add_argument("--recal-steps", type=int, default=0, help="override each recalibration's steps")
    ap.add_argument("--batch", type=int, default=0, help="override the rows per step (a GPU takes more)")
    ap.add_argument("--lr", type=float, default=0, help="override the peak learning rate (recalibration: half)")
    ap.add_argument("--ckpt-every", type=int, default=0, help="override the steps between checkpoints")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--time-budget", type=float, default=0,
                    help="seconds for all three phases: the step counts are set from a measured step time")
    ap.add_argument("--out", type=Path, default=None, help="run folder (default: the cache's run/)")
    ap.add_argument("--check-args", action="store_true", help="parse the options and stop (train.sh checks them first)")
    args = ap.parse_args()
    if args.check_args:
        return
    hp = dict(SMOKE if args.smoke else FULL)
    for key, value in (("rope_steps", args.rope_steps), ("recal_steps", args.recal_steps), ("batch", args.batch),
                       ("ckpt_every", args.ckpt_every)):
        if value:
            hp[key] = value
    if args.lr:
        hp["lr"], hp["recal_lr"] = args.lr, args.lr / 2
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device.startswith("cuda"):
        torch.backends.cuda.matmul.allow_tf32 = True  # the memory's table stays fp32; matmuls may round
    torch.manual_seed(0)
    out = args.out or run_dir(args.smoke)
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
    model = LongLensModel(cfg).to(args.device)
    log(f"model: {model.num_params():,} parameters, config {cfg.to_dict()}")
    if args.time_budget:
        per_step = seconds_per_step(model, hp, stream, args.device)
        hp["recal_steps"] = max(1, int(RECAL_SHARE * args.time_budget / per_step))
        hp["rope_steps"] = max(1, int((1 - 2 * RECAL_SHARE) * args.time_budget / per_step))
        log(f"{per_step:.3f} s per step: {hp['rope_steps']} pre-training steps, {hp['recal_steps']} per recalibration")
    phases = {}
    dev = args.device
    model, phases["rope"] = train_phase("rope", model, hp["rope_steps"], hp["lr"], hp, stream, out, log, device=dev)
    drope = with_pos_modes(model, ["none"] * cfg.n_layer)
    origin = phases["rope"]["step"]
    _, phases["drope"] = train_phase("drope", drope, hp["recal_steps"], hp["recal_lr"], hp, stream, out, log, origin, dev)
    repo = with_pos_modes(model, upper_repo_modes(cfg.n_layer))
    _, phases["repo"] = train_phase("repo", repo, hp["recal_steps"], hp["recal_lr"], hp, stream, out, log, origin, dev)
    summary = {
        "parameters": repo.num_params(),
        "hyperparameters": hp,
        "device": torch.cuda.get_device_name() if dev.startswith("cuda") else "cpu",
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "phases": {k: {"steps": v["step"], "tokens": v["tokens"], "seconds": round(v["seconds"], 1)} for k, v in phases.items()},
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    log("all phases done")


if __name__ == "__main__":
    main()
