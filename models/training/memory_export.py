"""What the TypeScript fast-weight memory needs from the training code, written from the model config alone
(no checkpoint: the memory's rules have no learned weights):

  memory-subkeys.f32     the sub-key tables every fresh memory starts from. torch.randn(2, n, K/2) from the
                         config's seed is a prefix of the same stream for every n, so one table of
                         2 * max_subkeys * K/2 normals (little-endian fp32) serves every table size.
  memory.address.onnx    the dense product of product-key addressing for a chunk of queries (the hot loop of
                         the memory pass: a matrix multiply per half, far faster in onnxruntime than in JavaScript).
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


def subkey_stream(cfg: ModelConfig) -> np.ndarray:
    gen = torch.Generator().manual_seed(cfg.mem_key_seed)
    return torch.randn(2 * MAX_SUBKEYS * (cfg.mem_kdim // 2), generator=gen).numpy().astype("<f4")


def address_graph(cfg: ModelConfig) -> onnx.ModelProto:
    """query (T, K), keys (2, N, K/2) -> q.k per half (2, T, N): the one dense product of addressing. The rest
    (squared distances from it and the norms, top-k, the k x k sums, softmax) is cheap and done by the runtime:
    in a graph its dozen small operators cost more per chunk than the product itself."""
    K = cfg.mem_kdim
    nodes = [
        helper.make_node("Reshape", ["query", "half_shape"], ["q3"]),     # (T, 2, K/2)
        helper.make_node("Transpose", ["q3"], ["qh"], perm=[1, 0, 2]),    # (2, T, K/2)
        helper.make_node("Transpose", ["keys"], ["kt"], perm=[0, 2, 1]),  # (2, K/2, N)
        helper.make_node("MatMul", ["qh", "kt"], ["qk"]),                 # (2, T, N)
    ]
    shape = helper.make_tensor("half_shape", TensorProto.INT64, [3], [-1, 2, K // 2])
    f = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "memory_address", inputs=[helper.make_tensor_value_info("query", f, ["T", K]),
                                         helper.make_tensor_value_info("keys", f, [2, "N", K // 2])],
        outputs=[helper.make_tensor_value_info("qk", f, [2, "T", "N"])], initializer=[shape])
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
    """onnxruntime must reproduce the per-half products of random queries with fresh keys."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path))
    gen = torch.Generator().manual_seed(5)
    for n in (16, 256):
        keys = MemoryState.fresh(cfg, 1, n_subkeys=n).keys[0]
        q = torch.randn(64, cfg.mem_kdim, generator=gen)
        want = torch.stack([qh @ keys[i].T for i, qh in enumerate(q.split(cfg.mem_kdim // 2, dim=-1))])
        (got,) = sess.run(None, {"query": q.numpy(), "keys": keys.numpy()})
        err = float(np.abs(got - want.numpy()).max())
        if err > tol:
            raise SystemExit(f"memory_export: address graph differs from PyTorch at n={n} by {err:.2e}")


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
