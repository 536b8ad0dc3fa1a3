"""The model card's numbers, measured on held-out code and written into models/README.md between
markers (never typed by hand), plus bench/results/model-card.json.

  held-out perplexity per language (RoPE, DroPE, DroPE + REPO) at the training length;
  RULER-style needles in attention mode at 1x..64x the training length for RoPE, RoPE + YaRN,
  DroPE and DroPE + REPO;
  needles through the fast-weight memory (sliding-window attention + memory) at 16K..1M tokens,
  with and without a second reading pass.

Run: npm run bench -- model-card [--quick] [--write]   (the training venv's python runs this file)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "models" / "training"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

from batches import line_break_tokens  # noqa: E402
from card_section import write_section  # noqa: E402
from common import cache_dir, data_dir, tokenizer_path  # noqa: E402
from evaluate import Mode, needle_accuracy, perplexity  # noqa: E402
from export import load_checkpoint  # noqa: E402
from model import TOKENS_PER_SLOT, table_subkeys, with_local_heads  # noqa: E402

VARIANTS = [("RoPE", "rope", False), ("RoPE + YaRN", "rope", True), ("DroPE", "drope", False), ("DroPE + REPO", "repo", False)]
# The DroPE variants read with their fitted local heads (fit_local_heads.py); these rows read the same weights
# with every head global, single needles beyond the training length only, to show what the local heads do.
GLOBAL_VARIANTS = [("DroPE, all heads global", "drope"), ("DroPE + REPO, all heads global", "repo")]


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer trials (tens of minutes on 2 cores, not hours)")
    ap.add_argument("--smoke", action="store_true", help="the toy models of `npm run train -- --smoke`, one trial each")
    ap.add_argument("--write", action="store_true", help="write the tables into models/README.md")
    ap.add_argument("--render", action="store_true", help="rewrite the card from bench/results/model-card.json, measuring nothing")
    args = ap.parse_args()
    if args.render:
        results = json.loads((ROOT / "bench" / "results" / "model-card.json").read_text())
        write_card(results, quick=results.get("quick", False))
        return
    run = cache_dir(args.smoke) / "run"
    torch.manual_seed(0)
    t0 = time.time()
    tok = Tokenizer.from_file(str(tokenizer_path(args.smoke)))
    ends_line = line_break_tokens(tok)
    langs = {p.name.split(".")[1]: np.memmap(p, dtype=np.uint16, mode="r") for p in sorted(data_dir(args.smoke).glob("heldout.*.bin"))}
    hay = np.concatenate(list(langs.values()))
    models = {name: load_checkpoint(run / f"{name}.pt") for name in ("rope", "drope", "repo")}
    L = models["repo"].cfg.block_size
    # memory: "how:tokens:passes"; single_by_style: variant -> multiple -> style -> [prompts, score]
    results: dict = {"training_length": L, "perplexity": {}, "attention": {}, "single_by_style": {}, "memory": {}}

    for name, m in models.items():
        results["perplexity"][name] = {lang: round(perplexity(m, toks, windows=16 if args.quick else 48), 2) for lang, toks in langs.items()}
        print(f"perplexity {name}: {results['perplexity'][name]}", flush=True)

    multiples = (1, 4, 16, 64)
    # 16x is where the DroPE target is judged; prompts up to 4x are cheap, so they get as many trials (few
    # trials there hid that assignments already fail at the training length). 64x prompts are the slow ones.
    trials = {1: 32, 4: 32, 16: 32, 64: 4} if args.quick else {1: 48, 4: 48, 16: 48, 64: 8}
    if args.smoke:
        multiples, trials = (1, 4), {1: 1, 4: 1}
    tasks_at = {1: ("single", "multikey", "multivalue", "paraphrase"), 4: ("single", "multikey", "multivalue"),
                16: ("single", "multikey", "multivalue", "paraphrase"), 64: ("single",)}
    variants = [(label, models[name], yarn, tasks_at) for label, name, yarn in VARIANTS]
    variants += [(label, with_local_heads(models[name], [], 0), False, {x: ("single",) for x in multiples if x > 1})
                 for label, name in GLOBAL_VARIANTS if models[name].cfg.local_heads]
    for label, model, yarn, tasks in variants:
        row = results["attention"].setdefault(label, {})
        for x in multiples:
            for task in tasks.get(x, ()):
                means, styles = needle_accuracy(model, Mode(yarn=yarn), tok, hay, ends_line, x * L, task, trials[x])
                acc = means["answer"]
                row[f"{task}@{x}x"] = round(acc, 1)
                if task == "single":
                    results["single_by_style"].setdefault(label, {})[f"{x}x"] = {
                        style: [n, round(m["answer"], 1)] for style, (n, m) in styles.items()}
                print(f"attention {label} {task} {x}x ({x * L} tokens): {acc:.1f}", flush=True)

    lengths = (16_384, 131_072, 1_048_576)
    mem_trials = {16_384: 16 if args.quick else 32, 131_072: 8 if args.quick else 16, 1_048_576: 6 if args.quick else 12}
    if args.smoke:
        lengths, mem_trials = (2_048,), {2_048: 1}
    for n in lengths:  # one and two passes from the same readings
        mode = Mode(memory=True, passes=2, subkeys=table_subkeys(n))
        acc, _ = needle_accuracy(models["repo"], mode, tok, hay, ends_line, n, "single", mem_trials[n])
        for how_passes, score in acc.items():
            how, passes = how_passes.split(":")
            results["memory"][f"{how}:{n}:{passes}"] = round(score, 1)
        print(f"memory {n} tokens: {acc}", flush=True)

    results["trials"] = {"attention": trials, "memory": mem_trials}
    results["memory_subkeys"] = {n: table_subkeys(n) for n in lengths}
    results["quick"] = args.quick
    results["seconds"] = round(time.time() - t0)
    print(json.dumps(results, indent=2))
    if args.write and not args.smoke:
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        text = json.dumps(results, indent=2)
        (out / "model-card.json").write_text(text + "\n")
        write_card(json.loads(text), quick=args.quick)  # what --render reads: the JSON (its keys are strings)


def training_section() -> str:
    """Sizes, corpus and training time, from longlens.json (the export) and the data's meta.json."""
    config = json.loads((ROOT / "models" / "longlens.json").read_text())
    m, tr = config["model"], config.get("training", {})
    meta = json.loads((data_dir() / "meta.json").read_text())
    corpus = json.loads((ROOT / "models" / "training" / "corpus.json").read_text())
    sizes = table(["parameters", "layers", "d_model", "heads", "MLP", "vocab", "training length", "memory"], [[
        f"{tr.get('parameters', 0):,}", m["n_layer"], m["d_model"], m["n_head"], m["d_mlp"], m["vocab_size"], m["block_size"],
        f"k_dim {m['mem_kdim']}, v_dim {m['mem_vdim']}, top-{m['mem_topk']}, "
        f"{', '.join(str(n) for n in tr.get('hyperparameters', {}).get('mem_tables', [m['mem_subkeys']]))} sub-keys per half in training, "
        f"chunk {m['mem_chunk']}, before layer {m['mem_layer']}"]])
    phases = table(["phase", "steps", "tokens seen", "wall time"], [
        [k, v["steps"], f"{v['tokens']:,}", f"{v['seconds'] / 60:.0f} min"] for k, v in tr.get("phases", {}).items()])
    rows = []
    # Held-out data is one file per language, each with its own by_lang entry.
    by_split = {"train": meta["train"]["by_lang"], "heldout": {k: v["by_lang"][k] for k, v in meta["heldout"].items()}}
    for split, langs in by_split.items():
        for lang, st in sorted(langs.items()):
            rows.append([split, lang, st["files"], f"{st['bytes'] / 1e6:.1f} MB", f"{st['tokens']:,}"])
    data = table(["split", "language", "files", "bytes", "tokens"], rows)
    n_train, n_held = len(corpus["train"]), len(corpus["heldout"])
    device = tr.get("device", "cpu")
    machine = (f"one {device}" + (f" (torch {tr['torch']})" if "torch" in tr else "") if device != "cpu" else
               f"{os.cpu_count()} CPU cores ({platform.machine()}), torch {torch.__version__}, {tr.get('threads', '?')} threads")
    local = ", ".join(f"{layer}.{h}" for layer, heads in enumerate(m.get("local_heads", [])) for h in heads)
    local = f"; the shipped model's local heads (layer.head) {local}, window {m['local_window']}" if local else "; every head global"
    return "\n\n".join([
        "**Sizes** (pos modes: " + ", ".join(m["pos_modes"]) + f"; DroPE beta_c = {m['beta_c']}{local}):\n\n" + sizes,
        f"**Training** on {machine}; batch {tr.get('hyperparameters', {}).get('batch', '?')} x {m['block_size']} tokens:\n\n" + phases,
        f"**Corpus**: {n_train} pinned npm packages for training, {n_held} disjoint ones held out "
        "(`models/training/corpus.json`, licences recorded per package):\n\n" + data,
    ])


def wilson(score: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson interval (x100) of a share measured on n prompts, each scored 0 or 1."""
    p = score / 100
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def targets_line(r: dict) -> str:
    """The issue's two targets, met or not (by the measured share), with how sure that share is."""
    trials = r["trials"]
    checks = [("DroPE, single needle at 16x", r["attention"].get("DroPE", {}).get("single@16x"), 80.0, trials["attention"].get("16")),
              ("the memory at 1,048,576 tokens (attention where the memory points, 2 passes)",
               r["memory"].get("located:1048576:2"), 90.0, trials["memory"].get("1048576"))]
    parts = []
    for what, score, goal, n in checks:
        if score is None:
            continue
        lo, hi = wilson(score, n)
        parts.append(f"{what} >= {goal:.0f}: {score} on {n} prompts, 95% interval {lo:.0f}-{hi:.0f} "
                     f"({'met' if score >= goal else 'not met'})")
    return "**Targets**: " + "; ".join(parts) + "."


def styles_section(styles: dict) -> str:
    """Single-needle scores split by how the needle is written; "" for results measured before the split.
    styles: variant -> multiple -> style -> [prompts, score]."""
    if not styles:
        return ""
    first = next(iter(styles.values()))
    multiples = list(first)
    both = ("comment", "assign")

    def pair(by: dict, at: int) -> str:  # at 0: prompts, 1: score
        return " / ".join(str(by[style][at]) if style in by else "-" for style in both)

    counts = ", ".join(f"{m}: {pair(first[m], 0)}" for m in multiples)
    rows = [[variant] + [pair(v.get(m, {}), 1) for m in multiples] for variant, v in styles.items()]
    return ("**Single needle by how it is written**: a comment (`// One of the special magic numbers for "
            "quiet-river is: 1234567.`) / an assignment (`const magicQuietRiver = 1234567; // special magic number "
            f"for quiet-river`), where the value comes before the key (prompts per style, {counts}):\n\n"
            + table(["variant", *[f"single {m}: comment / assignment" for m in multiples]], rows))


def write_card(r: dict, quick: bool):
    L = r["training_length"]
    langs = sorted(next(iter(r["perplexity"].values())).keys())
    names = {"rope": "RoPE (before the drop)", "drope": "DroPE", "repo": "DroPE + REPO (shipped)"}
    ppl = table(["model"] + langs, [[names[k]] + [v[lang] for lang in langs] for k, v in r["perplexity"].items()])
    cols = sorted({c for row in r["attention"].values() for c in row}, key=lambda c: (int(c.split("@")[1][:-1]), c))
    att = table(["variant"] + [f"{c.split('@')[0]} {c.split('@')[1]} ({int(c.split('@')[1][:-1]) * L:,})" for c in cols],
                [[k] + [row.get(c, "") for c in cols] for k, row in r["attention"].items()])
    by_style = styles_section(r.get("single_by_style", {}))
    mem_lengths = sorted({int(k.split(":")[1]) for k in r["memory"]})
    slots = r["memory_subkeys"]
    hows = {"answer": "the model answers", "located": "attention answers where the memory points"}
    mem = table(["reading", *[f"{n:,} tokens ({slots[str(n)]}^2 slots)" for n in mem_lengths]],
                [[f"{hows[h]}, {p} pass{'es' if p > 1 else ''}"] + [r["memory"].get(f"{h}:{n}:{p}", "") for n in mem_lengths]
                 for h in hows for p in (1, 2)])
    t = r["trials"]
    body = "\n\n".join([
        training_section(),
        f"Measured by `npm run bench -- model-card{' --quick' if quick else ''}` in {r['seconds']} s "
        f"(RULER score x100: share of reference values found in the greedy answer; evaluation keys never "
        f"occur in training; questions name the key exactly as RULER's do, except `paraphrase`, a single "
        f"needle asked for as \"the quiet river\" when planted as `quiet-river`).",
        "**Held-out perplexity** at the training length (" + f"{L} tokens):\n\n" + ppl,
        "**Needles in attention mode** (full attention, memory not written; the DroPE rows read with the local "
        "heads fitted after training (`fit_local_heads.py`, on calibration needles in training code), the \"all heads "
        "global\" rows without them; trials per cell: "
        + ", ".join(f"{k}x: {v}" for k, v in t["attention"].items()) + "):\n\n" + att,
        *([by_style] if by_style else []),
        "**Needles through the fast-weight memory** (DroPE + REPO, sliding-window attention of one chunk, "
        f"a table with a slot per {'token' if TOKENS_PER_SLOT == 1 else f'{TOKENS_PER_SLOT} tokens'} read, "
        "single needle, one and two passes scored from the same readings (the question is asked of a copy "
        "after the first pass); trials: " + ", ".join(f"{int(k):,}: {v}" for k, v in t["memory"].items()) + "):\n\n" + mem,
        targets_line(r),
    ])
    write_section("model-card", body)


if __name__ == "__main__":
    main()
