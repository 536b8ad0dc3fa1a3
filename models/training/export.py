"""Export a checkpoint to the ONNX graphs LongLens ships, split at the fast-weight memory:

  <variant>.pre.onnx   tokens -> layers below the memory -> hidden, memory query, value source, gate
  <variant>.post.onnx  hidden + memory read -> memory output and the layers above -> logits

The memory table itself lives in TypeScript. Both graphs take a KV cache per layer (past keys are
stored rotated) and the short convolution's last inputs, so long inputs are read in pieces; a window
input limits attention to the last keys (memory mode). REPO positions are outputs, and attention probabilities for a window of
queries [probe_from, probe_to) are optional outputs (empty when the window is empty).
Weights are stored as fp16 and cast to fp32 on load; everything downstream, including the parity
vectors, uses exactly those rounded weights. The model is rebuilt from the checkpoint's own config.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

from memory_export import write_memory_files
from model import (MAX_SUBKEYS, MIN_SUBKEYS, TOKENS_PER_SLOT, AttnContext, LongLensModel, MemoryState, ModelConfig,
                   address, read_memory)

FORMAT_VERSION = 2  # 2: each layer carries its short convolution's last inputs (past.<i>.conv)
OPSET = 17


CACHE_PARTS = ("k", "v", "conv")  # what a layer carries from one piece to the next
CACHE_NAMES = ("key", "value", "conv")


class Part(nn.Module):
    """Layers [lo, hi) of the model as one traceable graph."""

    def __init__(self, model: LongLensModel, lo: int, hi: int, first: bool):
        super().__init__()
        self.model, self.lo, self.hi, self.first = model, lo, hi, first

    def forward(self, x_in, offset, beta, window, probe_from, probe_to, *past):
        m = self.model
        ctx = AttnContext(offset=offset, beta=beta, window=window, keep_cache=True, want_probs=True, manual=True)
        if self.first:
            x = m.embed(x_in)
        else:
            hidden, read = x_in
            _, u, g = m.memory.project(hidden)
            x = hidden + m.memory.output(read, u, g)
        presents, positions, probs = [], [], []
        for n, i in enumerate(range(self.lo, self.hi)):
            cache = dict(zip(CACHE_PARTS, past[len(CACHE_PARTS) * n:len(CACHE_PARTS) * (n + 1)]))
            x, cache, p, pos = m.blocks[i](x, ctx, cache)
            presents += [cache[c] for c in CACHE_PARTS]
            probs.append(p[:, :, probe_from:probe_to])
            if pos is not None:
                positions.append(pos)
        if self.first:
            q, u, g = m.memory.project(x)
            return (x, q, u, g, *presents, *positions, *probs)
        return (m.head(m.ln_f(x)), *presents, *positions, *probs)


def io_names(cfg: ModelConfig, lo: int, hi: int, first: bool):
    layers = range(lo, hi)
    inputs = (["input_ids"] if first else ["hidden", "memory_read"]) + ["offset", "beta", "window", "probe_from", "probe_to"]
    inputs += [f"past.{i}.{c}" for i in layers for c in CACHE_NAMES]
    outputs = ["hidden", "memory_query", "memory_value", "memory_gate"] if first else ["logits"]
    outputs += [f"present.{i}.{c}" for i in layers for c in CACHE_NAMES]
    outputs += [f"positions.{i}" for i in layers if cfg.pos_modes[i] == "repo"]
    outputs += [f"attention.{i}" for i in layers]
    return inputs, outputs


def example_inputs(cfg: ModelConfig, lo: int, hi: int, first: bool, T: int, P: int, hidden=None, read=None, ids=None):
    H, Dh = cfg.n_head, cfg.d_model // cfg.n_head
    gen = torch.Generator().manual_seed(7)
    x = ids if first else (hidden, read)
    scalars = (torch.tensor(P, dtype=torch.int64), torch.tensor(1.0), torch.tensor(0, dtype=torch.int64),
               torch.tensor(0, dtype=torch.int64), torch.tensor(T, dtype=torch.int64))
    past = [torch.randn(shape, generator=gen) for _ in range(lo, hi) for shape in cache_shapes(cfg, P)]
    return (x, *scalars, *past)


def cache_shapes(cfg: ModelConfig, P: int) -> list[tuple]:
    """Shapes of what one layer carries (CACHE_PARTS) after P tokens."""
    kv = (1, cfg.n_head, P, cfg.d_model // cfg.n_head)
    return [kv, kv, (1, cfg.conv_width - 1, cfg.d_model)]


def empty_cache(cfg: ModelConfig, layers: int) -> list[torch.Tensor]:
    """What layers carry before the first piece: no keys or values, zero convolution inputs."""
    return [torch.zeros(shape) for _ in range(layers) for shape in cache_shapes(cfg, 0)]


def export_part(model: LongLensModel, lo: int, hi: int, first: bool, path: Path):
    cfg = model.cfg
    part = Part(model, lo, hi, first).eval()
    T, P = 5, 3
    if first:
        args = example_inputs(cfg, lo, hi, True, T, P, ids=torch.randint(0, cfg.vocab_size, (1, T)))
    else:
        args = example_inputs(cfg, lo, hi, False, T, P, hidden=torch.randn(1, T, cfg.d_model),
                              read=torch.randn(1, T, cfg.mem_vdim))
    inputs, outputs = io_names(cfg, lo, hi, first)
    dyn = {n: {1: "T"} for n in ("input_ids", "hidden", "memory_read", "memory_query", "memory_value", "memory_gate", "logits")}
    for n in inputs + outputs:
        if n.endswith(".conv"):
            continue  # fixed shape
        if n.startswith(("past.", "present.")):
            dyn[n] = {2: "P" if n.startswith("past.") else "PT"}
        elif n.startswith("positions."):
            dyn[n] = {2: "T"}
        elif n.startswith("attention."):
            dyn[n] = {2: "W", 3: "PT"}
    # The legacy tracer takes a flat argument list: unpack (hidden, read) for the upper part.
    flat = args if first else (args[0][0], args[0][1], *args[1:])
    module = part if first else _Unpacked(part)
    with torch.no_grad():
        torch.onnx.export(module, flat, str(path), input_names=inputs, output_names=outputs,
                          dynamic_axes=dyn, opset_version=OPSET, dynamo=False, do_constant_folding=True)
    store_weights_fp16(path)
    # The tracer drops inputs a variant does not use (a NoPE part has no use for offset): report the graph's own.
    graph = onnx.load(str(path), load_external_data=False).graph
    return [i.name for i in graph.input], [o.name for o in graph.output]


class _Unpacked(nn.Module):
    def __init__(self, part: Part):
        super().__init__()
        self.part = part

    def forward(self, hidden, read, *rest):
        return self.part((hidden, read), *rest)


def store_weights_fp16(path: Path):
    """Halve the file: large fp32 initializers are stored fp16 and cast back to fp32 inside the graph."""
    m = onnx.load(str(path))
    g = m.graph
    casts = []
    for init in list(g.initializer):
        if init.data_type != TensorProto.FLOAT or np.prod(init.dims) < 1024:
            continue
        arr = numpy_helper.to_array(init).astype(np.float16)
        half_name = init.name + "__fp16"
        g.initializer.remove(init)
        g.initializer.append(numpy_helper.from_array(arr, half_name))
        casts.append(helper.make_node("Cast", [half_name], [init.name], to=TensorProto.FLOAT, name=half_name + "_cast"))
    for node in reversed(casts):
        g.node.insert(0, node)
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def round_weights_fp16(model: LongLensModel):
    """Use exactly the weights the graphs store, so Python evaluation and parity match the shipped model."""
    with torch.no_grad():
        for p in model.parameters():
            if p.numel() >= 1024:
                p.copy_(p.half().float())


def load_checkpoint(path: Path) -> LongLensModel:
    ck = torch.load(path, weights_only=False, map_location="cpu")
    cfg = ModelConfig(**ck["config"])
    model = LongLensModel(cfg)
    want = model.state_dict()
    have = ck["model"]
    problems = [f"missing {k}" for k in want if k not in have] + [f"unexpected {k}" for k in have if k not in want]
    problems += [f"{k} is {tuple(have[k].shape)}, the config makes {tuple(v.shape)}"
                 for k, v in want.items() if k in have and have[k].shape != v.shape]
    if problems:
        raise SystemExit(f"export: checkpoint {path} does not match its own config ({len(problems)} problems; "
                         f"first: {problems[0]})")
    model.load_state_dict(have)
    round_weights_fp16(model)
    return model.eval()


def b64(t: torch.Tensor) -> dict:
    a = t.detach().cpu().numpy()
    dtype = "int64" if a.dtype == np.int64 else "float32"
    a = a.astype(dtype)
    return {"dtype": dtype, "dims": list(a.shape), "data": base64.b64encode(a.tobytes()).decode()}


def parity_vectors(model: LongLensModel, tokenizer_text_ids: list[int]) -> dict:
    """Two pieces through both parts (8 tokens, then the rest with a KV cache), with the memory in between
    computed by the Python reference; every graph output is recorded."""
    cfg = model.cfg
    mem_l = cfg.mem_layer
    ids = torch.tensor([tokenizer_text_ids])
    pieces = [(0, 8), (8, len(tokenizer_text_ids))]
    past_lo, past_hi = empty_cache(cfg, mem_l), empty_cache(cfg, cfg.n_layer - mem_l)
    lo, hi = Part(model, 0, mem_l, True), Part(model, mem_l, cfg.n_layer, False)
    state = MemoryState.fresh(cfg, 1, n_subkeys=16)
    out = {"cases": []}
    for a, b in pieces:
        T = b - a
        scal = (torch.tensor(a), torch.tensor(1.25), torch.tensor(0), torch.tensor(1), torch.tensor(T))
        with torch.no_grad():
            o1 = lo(ids[:, a:b], *scal, *past_lo)
            hidden, q, u, g = o1[:4]
            slots, weights, _ = address(q, state.keys, cfg.mem_topk)
            read = read_memory(state.values, slots, weights)
            o2 = hi((hidden, read), *scal, *past_hi)
        in_lo, out_lo = io_names(cfg, 0, mem_l, True)
        in_hi, out_hi = io_names(cfg, mem_l, cfg.n_layer, False)
        case = {
            "pre": {"inputs": dict(zip(in_lo, map(b64, (ids[:, a:b], *scal, *past_lo)))),
                    "outputs": dict(zip(out_lo, map(b64, o1)))},
            "post": {"inputs": dict(zip(in_hi, map(b64, (hidden, read, *scal, *past_hi)))),
                     "outputs": dict(zip(out_hi, map(b64, o2)))},
        }
        out["cases"].append(case)
        past_lo = list(o1[4:4 + len(past_lo)])
        past_hi = list(o2[1:1 + len(past_hi)])
        model.write_chunk(state, q, u, g, 0, T)
    return out


def memory_vectors(model: LongLensModel) -> dict:
    """One write of a chunk then one read, for the TypeScript memory to be held to."""
    cfg = model.cfg
    gen = torch.Generator().manual_seed(11)
    T = 12
    state = MemoryState.fresh(cfg, 1, n_subkeys=16)
    keys0 = state.keys.clone()
    q = torch.randn(1, T, cfg.mem_kdim, generator=gen)
    u = torch.randn(1, T, cfg.mem_vdim, generator=gen)
    g = torch.rand(1, T, 1, generator=gen)
    model.write_chunk(state, q, u, g, 0, T)
    q2 = torch.randn(1, 4, cfg.mem_kdim, generator=gen)
    q2[0, :2] = q[0, 3:5]  # re-read two written sources
    slots, weights, _ = address(q2, state.keys, cfg.mem_topk)
    read = read_memory(state.values, slots, weights)
    return {"n_subkeys": 16, "topk": cfg.mem_topk, "key_lr": cfg.mem_key_lr, "keys_before": b64(keys0),
            "query": b64(q), "value_source": b64(u), "gate": b64(g), "keys_after": b64(state.keys),
            "values_after": b64(state.values), "read_query": b64(q2), "read_slots": b64(slots),
            "read_weights": b64(weights), "read": b64(read)}


def verify(vec: dict, folder: Path, files: dict, tol: float = 1e-4):
    """onnxruntime must reproduce every recorded output; the export fails otherwise."""
    import onnxruntime as ort

    def dec(d):
        return np.frombuffer(base64.b64decode(d["data"]), dtype=d["dtype"]).reshape(d["dims"])

    worst = 0.0
    for case in vec["cases"]:
        for part in ("pre", "post"):
            sess = ort.InferenceSession(str(folder / files[part]["file"]))
            names = [i.name for i in sess.get_inputs()]
            got = sess.run(None, {n: dec(case[part]["inputs"][n]) for n in names})
            for out, g in zip(sess.get_outputs(), got):
                ref = dec(case[part]["outputs"][out.name])
                if g.shape != ref.shape:
                    raise SystemExit(f"export: {out.name} has shape {g.shape}, PyTorch gave {ref.shape}")
                err = float(np.abs(g - ref).max()) if g.size else 0.0
                if err > tol:
                    raise SystemExit(f"export: {files[part]['file']} output {out.name} differs by {err:.2e} > {tol}")
                worst = max(worst, err)
    return worst


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", required=True, type=Path, help="the shipped model's checkpoint (DroPE + REPO)")
    ap.add_argument("--rope-checkpoint", required=True, type=Path, help="the same model before the drop")
    ap.add_argument("--out", required=True, type=Path, help="models/ folder")
    ap.add_argument("--fixtures", required=True, type=Path, help="where parity vectors go")
    ap.add_argument("--tokenizer", required=True, type=Path)
    ap.add_argument("--summary", type=Path, help="the training summary train.py wrote, recorded in the config")
    args = ap.parse_args()
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(args.tokenizer))
    sample = "function add(a, b) {\n\treturn a + b; // sum\n}\nconst x = add(1, 2);\n"
    ids = tok.encode(sample).ids
    assert len(ids) >= 20, len(ids)
    args.out.mkdir(parents=True, exist_ok=True)
    args.fixtures.mkdir(parents=True, exist_ok=True)
    variants = {}
    for name, ck in (("longlens", args.checkpoint), ("rope", args.rope_checkpoint)):
        model = load_checkpoint(ck)
        cfg = model.cfg
        files = {}
        for part, (lo, hi, first) in (("pre", (0, cfg.mem_layer, True)), ("post", (cfg.mem_layer, cfg.n_layer, False))):
            path = args.out / f"{name}.{part}.onnx"
            inputs, outputs = export_part(model, lo, hi, first, path)
            files[part] = {"file": path.name, "sha256": sha256(path), "inputs": inputs, "outputs": outputs,
                           "layers": [lo, hi]}
        variants[name] = {"pos_modes": cfg.pos_modes, "beta_c": cfg.beta_c, "local_heads": cfg.local_heads,
                          "local_window": cfg.local_window, **files}
        vec = parity_vectors(model, ids[:20])
        vec["variant"] = name
        print(f"{name}: onnxruntime matches PyTorch, max abs diff {verify(vec, args.out, files):.2e}")
        if cfg.local_heads:  # the recorded case is shorter than the local window: check past it too, unrecorded
            n = cfg.local_window + 24
            worst = verify(parity_vectors(model, (ids * (n // len(ids) + 1))[:n]), args.out, files)
            print(f"{name}: and over {n} tokens, past the local heads' window: max abs diff {worst:.2e}")
        (args.fixtures / f"model-parity.{name}.json").write_text(json.dumps(vec))
        if name == "longlens":
            (args.fixtures / "memory-parity.json").write_text(json.dumps(memory_vectors(model)))
            shipped_cfg = cfg
        print(f"exported {name}: {', '.join(f['file'] for f in files.values())}")
    config = {"format_version": FORMAT_VERSION, "model": shipped_cfg.to_dict(), "variants": variants,
              "tokenizer": {"file": args.tokenizer.name, "sha256": sha256(args.tokenizer)},
              # How a runtime sizes the memory for a read of n tokens (table_subkeys in model.py).
              "memory_table": {"tokens_per_slot": TOKENS_PER_SLOT, "min_subkeys": MIN_SUBKEYS, "max_subkeys": MAX_SUBKEYS,
                               **write_memory_files(shipped_cfg, args.out, args.fixtures)}}
    if args.summary and args.summary.exists():
        config["training"] = json.loads(args.summary.read_text())
    (args.out / "longlens.json").write_text(json.dumps(config, indent=2) + "\n")
    print(f"wrote {args.out / 'longlens.json'}")


if __name__ == "__main__":
    main()
