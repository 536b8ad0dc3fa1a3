"""Evaluation on held-out code: perplexity, RULER-style needles in attention mode and through the
fast-weight memory, and the fit of DroPE's logit temperature. Used by fit_beta.py and by
bench/model_card.py; nothing here trains.
"""

from __future__ import annotations

import copy
import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from batches import random_window
from model import AttnContext, LongLensModel, MemoryState, beta_for
from needles import EVAL_WORDS, make_task

PIECE = 1024  # attention mode reads the prompt in pieces of this many tokens (KV cache between them)
MEMORY_PIECE = 256  # memory mode: pieces of sliding-window attention; the memory is written per chunk inside
LOCATE_WINDOW = 256  # tokens around the place the memory points to that attention re-reads (the training length)


def device_of(model: LongLensModel) -> torch.device:
    return next(model.parameters()).device


def as_input(ids, device) -> torch.Tensor:
    """Token ids as a (1, T) batch on the model's device."""
    return torch.as_tensor(np.asarray(ids, dtype=np.int64), device=device).unsqueeze(0)


@dataclass
class Mode:
    """How a variant reads: attention over everything, or a sliding window plus the memory."""

    memory: bool = False
    yarn: bool = False
    passes: int = 1
    subkeys: int = 0  # memory size for this read (per half); 0 = the training size


def context_for(model: LongLensModel, mode: Mode, total_len: int, offset: int) -> AttnContext:
    cfg = model.cfg
    if mode.memory:
        return AttnContext(offset=offset, window=cfg.mem_chunk, keep_cache=True)
    uses_rope = "rope" in cfg.pos_modes
    beta = 1.0 if uses_rope else beta_for(cfg, total_len)
    yarn = max(1.0, total_len / cfg.block_size) if (mode.yarn and uses_rope) else 1.0
    return AttnContext(offset=offset, beta=beta, yarn_scale=yarn, train_len=cfg.block_size, keep_cache=True)


class Reader:
    """Feeds tokens to the model piece by piece, keeping the KV cache, the memory and the position."""

    def __init__(self, model: LongLensModel, mode: Mode, total_len: int):
        self.model, self.mode, self.total_len = model, mode, total_len
        self.device = device_of(model)
        self.caches = [None] * model.cfg.n_layer
        self.state = MemoryState.fresh(model.cfg, 1, n_subkeys=mode.subkeys or None, device=self.device, track=mode.memory)
        self.offset = 0

    @torch.no_grad()
    def feed(self, ids: list[int] | np.ndarray) -> torch.Tensor:
        piece = MEMORY_PIECE if self.mode.memory else PIECE
        logits = None
        for s in range(0, len(ids), piece):
            x = as_input(ids[s:s + piece], self.device)
            ctx = context_for(self.model, self.mode, self.total_len, self.offset)
            logits = self.model(x, ctx, state=self.state, caches=self.caches, write=self.mode.memory)
            self.offset += x.shape[1]
        return logits[0, -1].detach()

    def snapshot(self) -> "Reader":
        """A copy to ask a question with, leaving this reader's memory and caches as they are."""
        twin = copy.copy(self)
        twin.state, twin.caches = copy.deepcopy(self.state), copy.deepcopy(self.caches)
        return twin

    def generate(self, last_logits: torch.Tensor, decode, max_new: int = 48) -> str:
        out: list[int] = []
        logits = last_logits
        for _ in range(max_new):
            nxt = int(logits.argmax())
            out.append(nxt)
            text = decode(out)
            if "\n" in text or nxt == 0:
                break
            logits = self.feed([nxt])
        return decode(out).split("\n")[0]


def needle_prompt(tok, tokens: np.ndarray, ends_line: np.ndarray, rng: random.Random, length: int, task: str, depth: float,
                  words=EVAL_WORDS):
    """RULER-style prompt of about `length` tokens: code (held-out, for evaluation) with the queried needle at
    `depth` (0..1) and any distractors at random depths, then the question. task: single | multikey |
    multivalue (the question names the key exactly, as RULER's do) or paraphrase (single, the key
    paraphrased). Keys are drawn from `words`. Returns (haystack ids, question ids, the task: its reference
    values and needle style)."""
    paraphrase = task == "paraphrase"
    nt = make_task(rng, "single" if paraphrase else task, "js", words, paraphrase=paraphrase)
    needle_ids = [tok.encode(text).ids for text, _ in nt.needles]
    q_ids = tok.encode(nt.question).ids
    budget = length - len(q_ids) - sum(map(len, needle_ids))
    code = random_window(tokens, rng, budget)
    ends = np.nonzero(ends_line[code])[0] + 1
    ends = ends if len(ends) else np.array([budget])

    def at(frac: float) -> int:
        return int(ends[min(len(ends) - 1, int(frac * len(ends)))])

    # The queried needles go at `depth`; distractors (other keys) anywhere.
    points = [at(depth) if key == nt.key else at(rng.random()) for _, key in nt.needles]
    order = sorted(range(len(needle_ids)), key=lambda i: points[i])
    parts, last = [], 0
    for i in order:
        parts += [code[last:points[i]], np.array(needle_ids[i], dtype=np.int64)]
        last = points[i]
    parts.append(code[last:])
    return np.concatenate(parts), np.array(q_ids, dtype=np.int64), nt


def needle_prompts(tok, tokens, ends_line, length: int, task: str, trials: int, seed: int, words):
    """`trials` prompts (needle_prompt) at evenly spaced depths, drawn reproducibly from `seed`."""
    rng = random.Random(seed)
    for i in range(trials):
        yield needle_prompt(tok, tokens, ends_line, rng, length, task, i / max(1, trials - 1), words)


def ruler_score(output: str, values: list[str]) -> float:
    """RULER's metric: the share of reference values found in the output (case-insensitive substring)."""
    return sum(v.lower() in output.lower() for v in values) / len(values)


@torch.no_grad()
def locate(reader: Reader, question: np.ndarray) -> int:
    """Where the memory says the question's answer was written: every question token reads its slots (the
    memory is not written), and each slot votes with its read weight for the chunk holding the token it
    was last written for. Returns the centre of the winning chunk (absolute position), -1 if none."""
    model, trace = reader.model, {}
    ctx = context_for(model, reader.mode, reader.total_len, reader.offset)
    model(as_input(question, reader.device), ctx, state=reader.state, caches=copy.deepcopy(reader.caches), write=False, trace=trace)
    slots = torch.cat(trace["slots"], 1).flatten()
    weights = torch.cat(trace["weights"], 1).flatten()
    writers = reader.state.writer[0, slots]
    weights = weights / reader.state.hits[0, slots].clamp(min=1)  # a slot written by few tokens says more
    known = writers >= 0
    if not known.any():
        return -1
    chunk = model.cfg.mem_chunk
    votes = weights.new_zeros(int(writers.max()) // chunk + 1).index_add_(0, writers[known] // chunk, weights[known])
    return int(votes.argmax()) * chunk + chunk // 2


def answer_at(model: LongLensModel, hay: np.ndarray, question: np.ndarray, centre: int, decode) -> str:
    """Attention alone answers from the LOCATE_WINDOW tokens of the haystack around `centre`."""
    lo = max(0, centre % len(hay) - LOCATE_WINDOW // 2)  # a second pass's positions map back into the haystack
    window = hay[lo:lo + LOCATE_WINDOW]
    reader = Reader(model, Mode(), len(window) + len(question))
    reader.feed(window)
    return reader.generate(reader.feed(question), decode)


def needle_accuracy(model, mode: Mode, tok, tokens, ends_line, length: int, task: str, trials: int, seed: int = 0,
                    words=EVAL_WORDS):
    """Mean RULER scores x100 over `trials` prompts at evenly spaced depths. Attention mode: {"answer"}.
    Memory mode scores every number of passes up to mode.passes from one reading (the question is asked
    of a copy after each pass): {"answer:p": the model's own answer, "located:p": attention's answer
    from where the memory points}. Returns (means, {needle style: (prompts, means)})."""
    decode = tok.decode
    trials_scores: list[tuple[str, dict[str, float]]] = []
    for hay, question, nt in needle_prompts(tok, tokens, ends_line, length, task, trials, seed, words):
        reader = Reader(model, mode, len(hay) + len(question))
        scores: dict[str, float] = {}
        for p in range(1, mode.passes + 1):  # memory mode may read the haystack again before the question
            reader.feed(hay)
            # Located first: it reads the memory as the haystack left it (answering writes the question in).
            outputs = {"located": located_answer(reader, hay, question, decode)} if mode.memory else {}
            asked = reader.snapshot() if p < mode.passes else reader
            outputs["answer"] = asked.generate(asked.feed(question), decode)
            for how, output in outputs.items():
                scores[f"{how}:{p}" if mode.memory else how] = ruler_score(output, nt.values)
        trials_scores.append((nt.style, scores))
    by_style: dict[str, list[dict[str, float]]] = {}
    for style, scores in trials_scores:
        by_style.setdefault(style, []).append(scores)
    return mean_scores([s for _, s in trials_scores]), {st: (len(ss), mean_scores(ss)) for st, ss in sorted(by_style.items())}


@torch.no_grad()
def needle_answer_nll(model, tok, tokens, ends_line, length: int, trials: int, seed: int, words) -> float:
    """Mean next-token loss of the reference answer after single-needle prompts (attention mode): a
    smoother measure of retrieval than the 0/1 RULER score, for fitting on few prompts."""
    losses = []
    for hay, question, nt in needle_prompts(tok, tokens, ends_line, length, "single", trials, seed, words):
        answer = np.array(tok.encode(nt.answer).ids, dtype=np.int64)
        reader = Reader(model, Mode(), len(hay) + len(question) + len(answer))
        reader.feed(hay)
        tail = np.concatenate([question, answer])
        ctx = context_for(model, reader.mode, reader.total_len, reader.offset)
        logits = model(as_input(tail, reader.device), ctx, state=reader.state, caches=reader.caches, write=False)
        at = slice(len(question) - 1, len(tail) - 1)  # the positions that predict the answer's tokens
        losses.append(F.cross_entropy(logits[0, at], torch.as_tensor(answer, device=reader.device)).item())
    return float(np.mean(losses))


def mean_scores(trials_scores: list[dict[str, float]]) -> dict[str, float]:
    return {k: 100.0 * sum(s[k] for s in trials_scores) / len(trials_scores) for k in trials_scores[0]}


def located_answer(reader: Reader, hay: np.ndarray, question: np.ndarray, decode) -> str:
    """Attention's answer from where the memory points ("" if it points nowhere)."""
    centre = locate(reader, question)
    return answer_at(reader.model, hay, question, centre, decode) if centre >= 0 else ""


@torch.no_grad()
def perplexity(model: LongLensModel, tokens: np.ndarray, windows: int = 64) -> float:
    """Held-out perplexity at the training length (non-overlapping windows, memory written as in use)."""
    L = model.cfg.block_size
    n = min(windows, (len(tokens) - 1) // L)
    nll, count = 0.0, 0
    for w in range(n):
        chunk = as_input(tokens[w * L:w * L + L + 1], device_of(model))
        logits = model(chunk[:, :-1], AttnContext())
        nll += F.cross_entropy(logits[0].detach(), chunk[0, 1:], reduction="sum").item()
        count += L
    return math.exp(nll / max(1, count))


@torch.no_grad()
def long_nll(model: LongLensModel, tokens: np.ndarray, length: int, seqs: int, beta: float, seed: int = 0) -> float:
    """Mean next-token loss over the second half of held-out sequences of `length` tokens: the positions
    beyond the training length, where DroPE's temperature matters."""
    rng = random.Random(seed)
    total, count = 0.0, 0
    for _ in range(seqs):
        ids = random_window(tokens, rng, length + 1)
        caches = [None] * model.cfg.n_layer
        device = device_of(model)
        state = MemoryState.fresh(model.cfg, 1, device=device)
        for s in range(0, length, PIECE):
            x = as_input(ids[s:min(s + PIECE, length)], device)
            y = as_input(ids[s + 1:min(s + PIECE, length) + 1], device)[0]
            logits = model(x, AttnContext(offset=s, beta=beta, keep_cache=True), state=state, caches=caches, write=False)
            if s + PIECE > length // 2:
                lo = max(0, length // 2 - s)
                total += F.cross_entropy(logits[0, lo:], y[lo:], reduction="sum").item()
                count += len(y) - lo
    return total / max(1, count)
