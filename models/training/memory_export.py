"""What the TypeScript fast-weight memory needs from the training code, written from the model config alone
(no checkpoint: the memory's rules have no learned weights):

  memory-subkeys.f32     the sub-key tables every fresh memory starts from. torch.randn(2, n, K/2) from the
                         config's seed is a prefix of the same stream for every n, so one table of
                         2 * max_subkeys * K/2 normals (little-endian fp32) serves every table size.
  memory.address.onnx    product-key addressing for a chunk of queries (the hot loop of the memory pass:
                         a matrix multiply per half, which onnxruntime runs far faster than JavaScript).
  memory-parity.json     a fixture of several consecutive chunk writes across two pieces, at two table
                         sizes, with key updates, the pending token and provenance after every piece.

Run by export.py after a full export, or alone: python memory_export.py --config ../longlens.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

from model import MAX_SUBKEYS, LongLensModel, MemoryState, ModelConfig, address, read_memory

SUBKEYS_FILE = "memory-subkeys.f32"
ADDRESS_FILE = "memory.address.onnx"
OPSET = 17
EPS = 1e-3  # the inverse-distance score's floor, as in model.address


def subkey_stream(cfg: ModelConfig) -> np.ndarray:
    gen = torch.Generator().manual_seed(cfg.mem_key_seed)
    return torch.randn(2 * MAX_SUBKEYS * (cfg.mem_kdim // 2), generator=gen).numpy().astype("<f4")


def address_graph(cfg: ModelConfig) -> onnx.ModelProto:
    """query (T, K), keys (2, N, K/2) -> slots (T, k) int64, weights (T, k), and per half the top-k scores
    and sub-key indices (2, T, k) that the key update needs. Squared distances come from the
    ||q||^2 + ||k||^2 - 2 q.k expansion (as torch.cdist does for large inputs), clamped at 0."""
    K, k = cfg.mem_kdim, cfg.mem_topk
    const = lambda name, value, dtype=np.int64: helper.make_tensor(name, TensorProto.INT64 if dtype == np.int64 else TensorProto.FLOAT,
                                                                     np.shape(value), np.asarray(value, dtype).flatten().tolist())
    nodes = [
        helper.make_node("Reshape", ["query", "half_shape"], ["q3"]),             # (T, 2, K/2)
        helper.make_node("Transpose", ["q3"], ["qh"], perm=[1, 0, 2]),            # (2, T, K/2)
        helper.make_node("ReduceSumSquare", ["qh"], ["qq"], axes=[2], keepdims=1),  # (2, T, 1)
        helper.make_node("ReduceSumSquare", ["keys"], ["kk3"], axes=[2], keepdims=1),  # (2, N, 1)
        helper.make_node("Transpose", ["kk3"], ["kk"], perm=[0, 2, 1]),           # (2, 1, N)
        helper.make_node("Transpose", ["keys"], ["kt"], perm=[0, 2, 1]),          # (2, K/2, N)
        helper.make_node("MatMul", ["qh", "kt"], ["qk"]),                         # (2, T, N)
        helper.make_node("Mul", ["qk", "minus_two"], ["qk2"]),
        helper.make_node("Add", ["qq", "kk"], ["sq"]),
        helper.make_node("Add", ["sq", "qk2"], ["d2raw"]),
        helper.make_node("Max", ["d2raw", "zero"], ["d2"]),
        helper.make_node("Add", ["d2", "eps"], ["d2e"]),
        helper.make_node("Log", ["d2e"], ["logd"]),
        helper.make_node("Neg", ["logd"], ["score"]),
        helper.make_node("TopK", ["score", "k"], ["half_scores", "half_ids"], axis=-1),  # (2, T, k)
        # Top-k over the k x k sums of one score from each half.
        helper.make_node("Split", ["half_scores"], ["s1", "s2"], axis=0),
        helper.make_node("Split", ["half_ids"], ["i1", "i2"], axis=0),
        helper.make_node("Squeeze", ["s1", "axis0"], ["s1t"]),
        helper.make_node("Squeeze", ["s2", "axis0"], ["s2t"]),
        helper.make_node("Squeeze", ["i1", "axis0"], ["i1t"]),
        helper.make_node("Squeeze", ["i2", "axis0"], ["i2t"]),
        helper.make_node("Unsqueeze", ["s1t", "axis2"], ["s1c"]),                 # (T, k, 1)
        helper.make_node("Unsqueeze", ["s2t", "axis1"], ["s2r"]),                 # (T, 1, k)
        helper.make_node("Add", ["s1c", "s2r"], ["pair3"]),
        helper.make_node("Reshape", ["pair3", "pair_shape"], ["pair"]),          # (T, k*k)
        helper.make_node("TopK", ["pair", "k"], ["best", "j"], axis=-1),
        helper.make_node("Div", ["j", "k"], ["j1"]),
        helper.make_node("Mod", ["j", "k"], ["j2"]),
        helper.make_node("GatherElements", ["i1t", "j1"], ["slot1"], axis=1),
        helper.make_node("GatherElements", ["i2t", "j2"], ["slot2"], axis=1),
        helper.make_node("Shape", ["keys"], ["key_shape"]),
        helper.make_node("Gather", ["key_shape", "one"], ["n"], axis=0),
        helper.make_node("Mul", ["slot1", "n"], ["base"]),
        helper.make_node("Add", ["base", "slot2"], ["slots"]),
        helper.make_node("Softmax", ["best"], ["weights"], axis=-1),
    ]
    inits = [const("half_shape", [-1, 2, K // 2]), const("pair_shape", [-1, k * k]), const("k", [k]),
             const("axis0", [0]), const("axis1", [1]), const("axis2", [2]), const("one", 1),
             const("minus_two", -2.0, np.float32), const("zero", 0.0, np.float32), const("eps", EPS, np.float32)]
    f, i64 = TensorProto.FLOAT, TensorProto.INT64
    graph = helper.make_graph(
        nodes, "memory_address", inputs=[helper.make_tensor_value_info("query", f, ["T", K]),
                                         helper.make_tensor_value_info("keys", f, [2, "N", K // 2])],
        outputs=[helper.make_tensor_value_info("slots", i64, ["T", k]), helper.make_tensor_value_info("weights", f, ["T", k]),
                 helper.make_tensor_value_info("half_scores", f, [2, "T", k]),
                 helper.make_tensor_value_info("half_ids", i64, [2, "T", k])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="longlens")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def b64(t) -> dict:
    import base64

    a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    dtype = "int64" if a.dtype == np.int64 else "float32"
    a = a.astype(dtype)
    return {"dtype": dtype, "dims": list(a.shape), "data": base64.b64encode(a.tobytes()).decode()}


def memory_case(cfg: ModelConfig, n_subkeys: int, pieces: list[int], seed: int) -> dict:
    """Pieces of random queries, value sources and gates written chunk by chunk as LongLensModel.forward
    does (write_chunk per chunk, then the piece's last token pending); the state after each piece, and a
    read of re-asked and fresh queries at the end."""
    gen = torch.Generator().manual_seed(seed)
    state = MemoryState.fresh(cfg, 1, n_subkeys=n_subkeys, track=True)
    writer = LongLensModel(cfg)  # write_chunk uses only the config: the memory's rules have no weights
    case = {"n_subkeys": n_subkeys, "pieces": []}
    for T in pieces:
        q = torch.randn(1, T, cfg.mem_kdim, generator=gen)
        u = torch.randn(1, T, cfg.mem_vdim, generator=gen)
        g = torch.rand(1, T, 1, generator=gen)
        for s in range(0, T, cfg.mem_chunk):
            writer.write_chunk(state, q, u, g, s, min(s + cfg.mem_chunk, T))
        state.pending = (q[:, -1:], g[:, -1:])
        state.seen += T
        case["pieces"].append({"query": b64(q[0]), "value_source": b64(u[0]), "gate": b64(g[0, :, 0]),
                               "keys_after": b64(state.keys[0]), "values_after": b64(state.values[0]),
                               "writer_after": b64(state.writer[0]), "hits_after": b64(state.hits[0])})
        last_q = q
    rq = torch.randn(1, 6, cfg.mem_kdim, generator=gen)
    rq[0, :3] = last_q[0, 5:8]  # re-read three written sources
    slots, weights, halves = address(rq, state.keys, cfg.mem_topk)
    case["read"] = {"query": b64(rq[0]), "slots": b64(slots[0]), "weights": b64(weights[0]),
                    "half_scores": b64(torch.stack([h.values[0] for h in halves])),
                    "half_ids": b64(torch.stack([h.indices[0] for h in halves])),
                    "read": b64(read_memory(state.values, slots, weights)[0])}
    return case


def check_address_graph(path: Path, cfg: ModelConfig, tol: float = 1e-4):
    """onnxruntime must reproduce model.address on random queries and fresh keys."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path))
    gen = torch.Generator().manual_seed(5)
    for n in (16, 256):
        keys = MemoryState.fresh(cfg, 1, n_subkeys=n).keys
        q = torch.randn(1, 64, cfg.mem_kdim, generator=gen)
        slots, weights, _ = address(q, keys, cfg.mem_topk)
        got_slots, got_weights, _, _ = sess.run(None, {"query": q[0].numpy(), "keys": keys[0].numpy()})
        same = (got_slots == slots[0].numpy()).mean()
        err = float(np.abs(got_weights - weights[0].numpy()).max())
        if same < 1.0 or err > tol:
            raise SystemExit(f"memory_export: address graph differs from model.address at n={n} "
                             f"(slots agree {same:.3f}, weights by {err:.2e})")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_memory_files(cfg: ModelConfig, out: Path, fixtures: Path) -> dict:
    """Writes the three files; returns the config entries that name them (recorded in longlens.json)."""
    subkeys = out / SUBKEYS_FILE
    subkeys.write_bytes(subkey_stream(cfg).tobytes())
    graph = out / ADDRESS_FILE
    onnx.save(address_graph(cfg), str(graph))
    check_address_graph(graph, cfg)
    cases = [memory_case(cfg, 16, [100, 80], seed=21), memory_case(cfg, 64, [256, 37], seed=22)]
    (fixtures / "memory-parity.chunks.json").write_text(json.dumps({
        "topk": cfg.mem_topk, "chunk": cfg.mem_chunk, "key_lr": cfg.mem_key_lr, "cases": cases}))
    return {"subkeys": {"file": SUBKEYS_FILE, "sha256": sha256(subkeys), "max_subkeys": MAX_SUBKEYS},
            "address": {"file": ADDRESS_FILE, "sha256": sha256(graph)}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True, type=Path, help="models/longlens.json (read, and updated with the files' hashes)")
    ap.add_argument("--fixtures", required=True, type=Path)
    args = ap.parse_args()
    config = json.loads(args.config.read_text())
    cfg = ModelConfig(**config["model"])
    config.setdefault("memory_table", {}).update(write_memory_files(cfg, args.config.parent, args.fixtures))
    args.config.write_text(json.dumps(config, indent=2) + "\n")
    print(f"wrote {SUBKEYS_FILE}, {ADDRESS_FILE} and memory-parity.chunks.json; updated {args.config}")


if __name__ == "__main__":
    main()
