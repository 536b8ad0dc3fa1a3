"""The LongLens model: a small decoder-only transformer for code with
DroPE (positional embeddings dropped after pre-training), REPO (positions computed
from content) and a fast-weight product-key memory (FwPKM).

Classes go from the smallest up: norm -> rotary -> REPO -> attention -> MLP ->
memory -> block -> config -> model. Shapes: B batch, T tokens, H heads, D model
width, Dh head width, N sub-keys per half, S = N*N slots.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

POS_MODES = ("rope", "none", "repo")


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate(x, pos, theta: float, yarn_scale: float = 1.0, train_len: int = 0):
    """NeoX-style rotary embedding with real-valued positions.
    x: (B, H, T, Dh); pos: (B, H, T) or (T,) — integer RoPE and REPO share this.
    yarn_scale > 1 applies YaRN's per-frequency interpolation (the baseline DroPE is compared with)."""
    dh = x.shape[-1]
    inv_freq = theta ** (-torch.arange(0, dh, 2, dtype=torch.float32, device=x.device) / dh)
    if yarn_scale > 1.0:
        # Frequencies that complete many turns in the training window keep their speed; those that
        # complete less than one are interpolated by the scale; a linear ramp in between (alpha 1, beta 32).
        turns = train_len * inv_freq / (2 * math.pi)
        keep = ((turns - 1.0) / (32.0 - 1.0)).clamp(0, 1)
        inv_freq = keep * inv_freq + (1 - keep) * inv_freq / yarn_scale
    angle = pos.to(torch.float32).unsqueeze(-1) * inv_freq  # (..., T, Dh/2)
    cos = torch.cat([angle.cos(), angle.cos()], -1)
    sin = torch.cat([angle.sin(), angle.sin()], -1)
    half = dh // 2
    rotated_half = torch.cat([-x[..., half:], x[..., :half]], -1)
    return x * cos + rotated_half * sin


class Repositioner(nn.Module):
    """REPO: one real-valued position per token per head, from the layer's input."""

    def __init__(self, d_model: int, n_head: int):
        super().__init__()
        hidden = d_model // 8
        self.w_g = nn.Linear(d_model, hidden, bias=False)
        self.w_c = nn.Linear(d_model, hidden, bias=False)
        self.w_f = nn.Linear(hidden, n_head, bias=False)

    def forward(self, h):  # (B, T, D) -> (B, H, T)
        return self.w_f(F.silu(self.w_g(h)) * self.w_c(h)).transpose(1, 2)


class Attention(nn.Module):
    def __init__(self, cfg: "ModelConfig", pos_mode: str, local_heads: list[int] = ()):
        super().__init__()
        assert pos_mode in POS_MODES, pos_mode
        assert all(0 <= h < cfg.n_head for h in local_heads), local_heads
        self.n_head = cfg.n_head
        self.local_heads, self.local_window = list(local_heads), cfg.local_window
        self.d_head = cfg.d_model // cfg.n_head
        self.theta = cfg.rope_theta
        self.pos_mode = pos_mode
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=False)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model, bias=False)
        # QK-norm over the whole projection keeps logits bounded once RoPE is dropped.
        self.q_norm = RMSNorm(cfg.d_model)
        self.k_norm = RMSNorm(cfg.d_model)
        self.repo = Repositioner(cfg.d_model, cfg.n_head) if pos_mode == "repo" else None

    def forward(self, h, ctx: "AttnContext", cache: dict | None):
        """h: (B, T, D) normed input. cache: {'k','v'} of earlier tokens (already rotated) or None.
        Returns (out, new_cache, probs or None, positions or None)."""
        B, T, D = h.shape
        q, k, v = self.qkv(h).split(D, dim=2)
        q, k = self.q_norm(q), self.k_norm(k)
        q, k, v = (t.view(B, T, self.n_head, self.d_head).transpose(1, 2) for t in (q, k, v))  # (B, H, T, Dh)
        positions = None
        if self.pos_mode == "rope":
            pos = ctx.offset + torch.arange(T, device=h.device, dtype=torch.float32)
            q = rotate(q, pos, self.theta, ctx.yarn_scale, ctx.train_len)
            k = rotate(k, pos, self.theta, ctx.yarn_scale, ctx.train_len)
        elif self.pos_mode == "repo":
            positions = self.repo(h)  # (B, H, T)
            q, k = rotate(q, positions, self.theta), rotate(k, positions, self.theta)
        if cache is not None:
            k = torch.cat([cache["k"], k], 2)
            v = torch.cat([cache["v"], v], 2)
        P = k.shape[2] - T  # tokens before this piece
        scale = ctx.beta / math.sqrt(self.d_head)
        if self.pos_mode == "rope" and ctx.yarn_scale > 1.0:
            scale *= (0.1 * math.log(ctx.yarn_scale) + 1.0) ** 2  # YaRN's attention temperature
        if ctx.want_probs or ctx.manual:
            att = (q @ k.transpose(-2, -1)) * scale  # (B, H, T, P+T)
            att = att.masked_fill(~self.mask(ctx, T, P, h.device), float("-inf"))
            probs = att.softmax(-1)
            y = probs @ v
        else:
            probs = None
            if ctx.window or P or self.local_heads:
                y = F.scaled_dot_product_attention(q, k, v, attn_mask=self.mask(ctx, T, P, h.device), scale=scale)
            else:
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=scale)
        y = y.transpose(1, 2).reshape(B, T, D)
        new_cache = None
        if ctx.keep_cache:
            new_cache = {"k": k, "v": v}
            if isinstance(ctx.window, int) and ctx.window:  # a sliding window needs only its last keys
                new_cache = {"k": k[:, :, -ctx.window:], "v": v[:, :, -ctx.window:]}
        return self.proj(y), new_cache, (probs if ctx.want_probs else None), positions

    def mask(self, ctx: "AttnContext", T: int, P: int, device):
        """ctx's (T, P+T) mask, narrowed for the local heads to their last local_window keys: (H, T, P+T)."""
        m = ctx.mask(T, P, device)
        if not self.local_heads:
            return m
        local = torch.zeros(self.n_head, 1, 1, dtype=torch.bool, device=device)
        local[self.local_heads] = True
        qi, kj = query_key_positions(T, P, device)
        return m & (~local | (kj > qi - self.local_window))


class ShortConv(nn.Module):
    """A causal depthwise convolution over the last few tokens, added to the residual stream at the
    start of each block (a "Canon layer"). It gives every layer the local word order without any
    position signal, so dropping RoPE keeps previous-token information and the memory's queries carry
    the last few tokens at any distance. Zero-initialised: the block starts as if it were not there."""

    def __init__(self, d_model: int, width: int):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(width, d_model))  # weight[j] mixes in the token j steps back

    def forward(self, x, carry):
        """x: (B, T, D); carry: the previous piece's last width-1 inputs (B, width-1, D) or None.
        Returns (x + conv, new carry)."""
        width = self.weight.shape[0]
        if carry is None:
            carry = x.new_zeros(x.shape[0], width - 1, x.shape[2])
        padded = torch.cat([carry, x], 1)
        out = x
        for j in range(width):
            out = out + self.weight[j] * padded[:, width - 1 - j:padded.shape[1] - j]
        return out, padded[:, padded.shape[1] - (width - 1):]


class SwiGLU(nn.Module):
    def __init__(self, d_model: int, d_mlp: int):
        super().__init__()
        self.w_gate = nn.Linear(d_model, d_mlp, bias=False)
        self.w_up = nn.Linear(d_model, d_mlp, bias=False)
        self.w_down = nn.Linear(d_mlp, d_model, bias=False)

    def forward(self, x):
        return self.w_down(F.silu(self.w_gate(x)) * self.w_up(x))


class FastWeightMemory(nn.Module):
    """FwPKM slow weights: the projections around a product-key value table.
    The table itself (sub-keys and values) is fast state, held in a MemoryState."""

    def __init__(self, cfg: "ModelConfig"):
        super().__init__()
        self.topk = cfg.mem_topk
        self.norm = RMSNorm(cfg.d_model)
        self.w_q = nn.Linear(cfg.d_model, cfg.mem_kdim, bias=False)
        self.w_v = nn.Linear(cfg.d_model, cfg.mem_vdim, bias=False)
        self.w_gate = nn.Linear(cfg.d_model, cfg.mem_vdim)
        self.out_norm = RMSNorm(cfg.mem_vdim)
        self.w_o = nn.Linear(cfg.mem_vdim, cfg.d_model, bias=False)

    def project(self, h):
        """Per token: query, z-scored value source, gate. h: (B, T, D)."""
        x = self.norm(h)
        q = self.w_q(x)
        u = self.w_v(x)
        u = (u - u.mean(-1, keepdim=True)) / (u.std(-1, keepdim=True) + 1e-5)
        g = torch.sigmoid(self.w_gate(x).mean(-1, keepdim=True))
        return q, u, g

    def output(self, read, u, g):
        o = g * read + (1 - g) * u
        return self.w_o(self.out_norm(o))


@dataclass
class MemoryState:
    """Fast weights of one memory, per batch row: sub-keys (B, 2, N, Kh) and values (B, N*N, Dv)."""

    keys: torch.Tensor
    values: torch.Tensor
    # The last token of the previous piece (query, gate): its target is the first token of the next piece.
    pending: tuple | None = None
    # Provenance, when tracked: per slot, the absolute position of the last token written into it
    # (-1: never) and how many writes it took, so a read can be traced back to the code that wrote it.
    writer: torch.Tensor | None = None
    hits: torch.Tensor | None = None
    seen: int = 0  # tokens written so far (absolute position of the next piece's first token)

    @staticmethod
    def fresh(cfg: "ModelConfig", batch: int, n_subkeys: int | None = None, device="cpu", track: bool = False):
        n = n_subkeys or cfg.mem_subkeys
        gen = torch.Generator().manual_seed(cfg.mem_key_seed)
        keys = torch.randn(2, n, cfg.mem_kdim // 2, generator=gen).to(device)
        keys = keys.unsqueeze(0).expand(batch, -1, -1, -1).contiguous()
        values = torch.zeros(batch, n * n, cfg.mem_vdim, device=device)
        if not track:
            return MemoryState(keys, values)
        writer = torch.full((batch, n * n), -1, dtype=torch.long, device=device)
        return MemoryState(keys, values, writer=writer, hits=torch.zeros(batch, n * n, device=device))


# A slot per token read. Why: in a side check (8 needles in 16K tokens, the shipped model), 64^2 slots
# (4 tokens per slot) answered 25% and 128^2 62.5%; provenance ranked the needle's chunk first in 4 of 8
# at 64^2 and 7 of 8 at 256^2. The model card measures the rule as shipped.
TOKENS_PER_SLOT = 1
MIN_SUBKEYS, MAX_SUBKEYS = 16, 1024  # 256 to ~1M slots (256 MiB of fp32 values at v_dim 64)


def table_subkeys(tokens: int) -> int:
    """The memory size for reading `tokens` tokens (sub-keys per half, a power of two): the smallest that
    gives a slot for every TOKENS_PER_SLOT tokens, so a big workspace gets a big table."""
    n = MIN_SUBKEYS
    while n < MAX_SUBKEYS and n * n * TOKENS_PER_SLOT < tokens:
        n *= 2
    return n


def address(q, keys, topk: int):
    """Product-key lookup. q: (B, T, K); keys: (B, 2, N, K/2).
    Returns slot ids (B, T, k), weights (B, T, k), and per-half (ids, weights) for the key update."""
    B, T, K = q.shape
    N = keys.shape[2]
    halves = []
    for i, qh in enumerate(q.split(K // 2, dim=-1)):
        d2 = torch.cdist(qh, keys[:, i]).pow(2)  # (B, T, N)
        s = -torch.log(1e-3 + d2)
        halves.append(s.topk(topk, dim=-1))
    (s1, i1), (s2, i2) = halves
    pair = (s1.unsqueeze(-1) + s2.unsqueeze(-2)).flatten(-2)  # (B, T, k*k)
    best, j = pair.topk(topk, dim=-1)
    slots = i1.gather(-1, j // topk) * N + i2.gather(-1, j % topk)
    return slots, best.softmax(-1), halves


def read_memory(values, slots, weights):
    """values: (B, S, Dv); slots, weights: (B, T, k) -> (B, T, Dv)."""
    B, T, k = slots.shape
    picked = values.gather(1, slots.reshape(B, T * k, 1).expand(-1, -1, values.shape[-1]))
    return (picked.view(B, T, k, -1) * weights.unsqueeze(-1)).sum(2)


def write_memory(values, slots, weights, read, target, gate, topk: int):
    """One SGD step of 0.5*g*||read - target||^2 on the values, lr 1, the gradient scaled by topk and
    divided per slot by its hit count: one token alone is written so that re-reading returns its target.
    Only the touched slots are summed; without autograd the table is updated in place (a 1M-token read
    would otherwise copy it once per chunk)."""
    B, T, k = slots.shape
    S, Dv = values.shape[1], values.shape[2]
    delta = gate * (target - read)  # (B, T, Dv)
    contrib = (weights.unsqueeze(-1) * delta.unsqueeze(2) * topk).reshape(B * T * k, Dv)
    flat = (slots + torch.arange(B, device=slots.device).view(B, 1, 1) * S).reshape(-1)
    touched, inverse = torch.unique(flat, return_inverse=True)
    sums = torch.zeros(len(touched), Dv, dtype=values.dtype, device=values.device).index_add(0, inverse, contrib)
    hits = torch.bincount(inverse, minlength=len(touched)).to(values.dtype).unsqueeze(-1)
    if torch.is_grad_enabled() and (values.requires_grad or contrib.requires_grad):
        return values.reshape(B * S, Dv).index_add(0, touched, sums / hits).view(B, S, Dv)
    values.view(B * S, Dv).index_add_(0, touched, sums / hits)
    return values


def update_keys(keys, q, topk: int, lr: float):
    """Addressing update: one gradient-ascent step on the entropy of each half's average sub-key usage."""
    with torch.enable_grad():  # the key step needs a gradient also while the model runs without one
        keys = keys.detach().requires_grad_(True)
        q = q.detach()
        N = keys.shape[2]
        entropy = 0.0
        for i, qh in enumerate(q.split(q.shape[-1] // 2, dim=-1)):
            s = -torch.log(1e-3 + torch.cdist(qh, keys[:, i]).pow(2))
            top, idx = s.topk(topk, dim=-1)
            usage = torch.zeros(*s.shape[:-1], N, device=q.device).scatter(-1, idx, top.softmax(-1)).mean(1)  # (B, N)
            entropy = entropy - (usage * (usage + 1e-9).log()).sum()
        (grad,) = torch.autograd.grad(entropy, keys)
    return (keys + lr * grad).detach()


class Block(nn.Module):
    def __init__(self, cfg: "ModelConfig", pos_mode: str, has_memory: bool, local_heads: list[int] = ()):
        super().__init__()
        self.conv = ShortConv(cfg.d_model, cfg.conv_width)
        self.ln1 = RMSNorm(cfg.d_model)
        self.attn = Attention(cfg, pos_mode, local_heads)
        self.ln2 = RMSNorm(cfg.d_model)
        self.mlp = SwiGLU(cfg.d_model, cfg.d_mlp)
        self.memory = FastWeightMemory(cfg) if has_memory else None

    def forward(self, x, ctx, cache):
        """cache: {'k', 'v', 'conv'} carried from the previous piece, or None."""
        x, carry = self.conv(x, cache["conv"] if cache is not None else None)
        a, cache, probs, positions = self.attn(self.ln1(x), ctx, cache)
        x = x + a
        x = x + self.mlp(self.ln2(x))
        if cache is not None:
            cache["conv"] = carry
        return x, cache, probs, positions


@dataclass
class ModelConfig:
    vocab_size: int = 8192
    n_layer: int = 4
    n_head: int = 4
    d_model: int = 256
    d_mlp: int = 640
    block_size: int = 256  # the training context length, L_train
    rope_theta: float = 10000.0
    conv_width: int = 4  # tokens each block's short convolution sees (itself and 3 before)
    pos_modes: list = field(default_factory=lambda: ["rope"] * 4)
    mem_layer: int = 1  # the memory sits before this layer's attention
    mem_subkeys: int = 64  # per half during training (4,096 slots); a runtime choice
    mem_kdim: int = 64
    mem_vdim: int = 64
    mem_topk: int = 8
    mem_chunk: int = 64  # tokens per memory write
    mem_key_lr: float = 0.05
    mem_key_seed: int = 1234
    beta_c: float = 0.0  # DroPE logit temperature: beta = 1 + c * ln(L / block_size)
    # Heads that attend locally at the training length keep reading only their last local_window keys at
    # any length (fitted after recalibration, like beta_c): per layer, the head indices. Empty: all global.
    local_heads: list = field(default_factory=list)
    local_window: int = 0

    def to_dict(self):
        return asdict(self)


@dataclass
class AttnContext:
    """How attention runs for one forward call."""

    offset: int = 0
    beta: float = 1.0
    yarn_scale: float = 1.0  # > 1: YaRN scaling of RoPE layers (baseline only)
    train_len: int = 0  # the training length YaRN scales from
    window: int = 0  # 0 = full causal attention; else sliding window of this many tokens
    keep_cache: bool = False
    want_probs: bool = False
    manual: bool = False  # explicit softmax path (what the ONNX export traces)

    def mask(self, T: int, P: int, device):
        """Boolean (T, P+T): query i (absolute P+i) may see key j."""
        qi, kj = query_key_positions(T, P, device)
        m = kj <= qi
        if isinstance(self.window, torch.Tensor):  # traced for export: 0 means full attention
            m = m & ((kj > qi - self.window) | (self.window <= 0))
        elif self.window:
            m = m & (kj > qi - self.window)
        return m


def query_key_positions(T: int, P: int, device):
    """Absolute positions of a piece's T queries (a column) and of its P cached + T new keys (a row)."""
    return torch.arange(T, device=device).unsqueeze(1) + P, torch.arange(P + T, device=device).unsqueeze(0)


def beta_for(cfg: ModelConfig, length: int) -> float:
    return 1.0 + cfg.beta_c * math.log(max(length, cfg.block_size) / cfg.block_size)


class LongLensModel(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        assert len(cfg.pos_modes) == cfg.n_layer
        assert not cfg.local_heads or len(cfg.local_heads) == cfg.n_layer, cfg.local_heads
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.blocks = nn.ModuleList(
            Block(cfg, cfg.pos_modes[i], has_memory=(i == cfg.mem_layer),
                  local_heads=cfg.local_heads[i] if cfg.local_heads else ()) for i in range(cfg.n_layer)
        )
        self.ln_f = RMSNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        self.head.weight = self.embed.weight  # tied
        self.apply(self._init)
        for name, p in self.named_parameters():
            if name.endswith(("proj.weight", "w_down.weight", "w_o.weight")):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    @property
    def memory(self) -> FastWeightMemory:
        return self.blocks[self.cfg.mem_layer].memory

    def run_layers(self, x, layers, ctx, caches, trace):
        for i in layers:
            x, caches[i], probs, pos = self.blocks[i](x, ctx, caches[i])
            if trace is not None:
                trace.setdefault("probs", {})[i] = probs
                trace.setdefault("positions", {})[i] = pos
        return x

    def forward(self, idx, ctx: AttnContext | None = None, state: MemoryState | None = None,
                caches: list | None = None, write: bool = True, trace: dict | None = None):
        """Reads idx (B, T) as one piece: attention over caches + piece; the memory is read chunk by chunk
        (each chunk sees the memory as it was before it) and, if write, written after each chunk.
        Returns logits (B, T, V); state and caches are updated in place (lists / dataclass fields)."""
        cfg = self.cfg
        ctx = ctx or AttnContext()
        caches = caches if caches is not None else [None] * cfg.n_layer
        B, T = idx.shape
        x = self.embed(idx)
        x = self.run_layers(x, range(cfg.mem_layer), ctx, caches, trace)
        mem = self.memory
        q, u, g = mem.project(x)
        if state is None:
            state = MemoryState.fresh(cfg, B, device=idx.device)
        reads = []
        for s in range(0, T, cfg.mem_chunk):
            e = min(s + cfg.mem_chunk, T)
            slots, weights, _ = address(q[:, s:e], state.keys, cfg.mem_topk)
            reads.append(read_memory(state.values, slots, weights))
            if trace is not None:
                trace.setdefault("slots", []).append(slots)
                trace.setdefault("weights", []).append(weights)
            if write:
                self.write_chunk(state, q, u, g, s, e)
        if write:
            state.pending = (q[:, -1:], g[:, -1:])
            state.seen += T
        read = torch.cat(reads, 1)
        x = x + mem.output(read, u, g)
        x = self.run_layers(x, range(cfg.mem_layer, cfg.n_layer), ctx, caches, trace)
        return self.head(self.ln_f(x))

    def write_chunk(self, state: MemoryState, q, u, g, s: int, e: int):
        """Write the pairs (t -> u[t+1]) whose target lies in [s, e) of this piece; the first token's
        source is the previous piece's last token (state.pending), if any."""
        cfg = self.cfg
        start = max(s - 1, 0)
        qs, gs, us = q[:, start:e - 1], g[:, start:e - 1], u[:, start + 1:e]
        if s == 0 and state.pending is not None:
            qs = torch.cat([state.pending[0], qs], 1)
            gs = torch.cat([state.pending[1], gs], 1)
            us = u[:, :e]
        if qs.shape[1] == 0:
            return
        slots, weights, _ = address(qs, state.keys, cfg.mem_topk)
        read = read_memory(state.values, slots, weights)
        state.values = write_memory(state.values, slots, weights, read, us, gs, cfg.mem_topk)
        if state.writer is not None:  # each slot remembers the target token it was last written for
            targets = state.seen + torch.arange(e - us.shape[1], e, device=slots.device)
            B, n, k = slots.shape
            flat = slots.reshape(B, n * k)
            state.writer.scatter_(1, flat, targets.repeat_interleave(k).expand(B, -1))
            state.hits.scatter_add_(1, flat, torch.ones(flat.shape, device=flat.device))
        state.keys = update_keys(state.keys, qs, cfg.mem_topk, cfg.mem_key_lr)

    def num_params(self):
        return sum(p.numel() for p in self.parameters())


def with_pos_modes(model: LongLensModel, pos_modes: list) -> LongLensModel:
    """A copy of model with other positional modes per layer (DroPE drop, REPO insertion).
    Shared weights are copied; new REPO modules start at their own init."""
    cfg = ModelConfig(**{**model.cfg.to_dict(), "pos_modes": list(pos_modes)})
    new = LongLensModel(cfg)
    missing, unexpected = new.load_state_dict(model.state_dict(), strict=False)
    assert not unexpected, unexpected
    assert all(".repo." in k for k in missing), missing
    return new


def with_local_heads(model: LongLensModel, heads: list[list[int]], window: int) -> LongLensModel:
    """A copy of model whose given heads (per layer) read only their last `window` keys; no heads: all global."""
    local = any(heads)
    cfg = ModelConfig(**{**model.cfg.to_dict(), "local_heads": heads if local else [], "local_window": window if local else 0})
    new = LongLensModel(cfg)
    new.load_state_dict(model.state_dict())
    return new.train(model.training)
