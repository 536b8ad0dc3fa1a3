"""Training batches: windows of real code, half of them carrying a needle task planted at line
boundaries, with the answer tokens weighted up in the loss."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer

from needles import TRAIN_WORDS, make_task

ANSWER_WEIGHT = 4.0


def random_window(tokens: np.ndarray, rng: random.Random, length: int) -> np.ndarray:
    """`length` consecutive tokens from a random place (documents may meet inside it)."""
    start = rng.randrange(0, len(tokens) - length - 1)
    return np.asarray(tokens[start:start + length], dtype=np.int64)


class TokenStream:
    """A flat uint16 token file (documents separated by id 0) and its tokenizer."""

    def __init__(self, bin_path: Path, tokenizer_path: Path):
        self.tokens = np.memmap(bin_path, dtype=np.uint16, mode="r")
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.vocab_size = self.tokenizer.get_vocab_size()
        self.ends_line = line_break_tokens(self.tokenizer)

    def window(self, rng: random.Random, length: int) -> np.ndarray:
        return random_window(self.tokens, rng, length)

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text).ids


def line_break_tokens(tokenizer: Tokenizer) -> np.ndarray:
    """Token ids holding a line break ("\n", "\n\t\t", ...): needles go in right after one of these,
    so planted text starts a line (byte-level BPE merges a newline with the next line's indent)."""
    return np.array(["\n" in tokenizer.decode([i]) for i in range(tokenizer.get_vocab_size())])


def guess_lang(code_ids: np.ndarray, stream: TokenStream) -> str:
    text = stream.tokenizer.decode(code_ids[:64].tolist())
    return "python" if ("def " in text or "import " in text and "from " in text) and "{" not in text else "js"


def needle_sequence(stream: TokenStream, rng: random.Random, length: int, task: str, words=TRAIN_WORDS):
    """Code with planted needles and a question; returns (ids, weights) of length+1 tokens, weights
    aligned with ids (the weight of predicting that token), and the task."""
    code = stream.window(rng, length + 1)
    nt = make_task(rng, task, guess_lang(code, stream), words)
    needle_ids = [stream.encode(text) for text, _ in nt.needles]
    q_ids, a_ids = stream.encode(nt.question), stream.encode(nt.answer)
    budget = length + 1 - len(q_ids) - len(a_ids) - sum(map(len, needle_ids))
    if budget < 16:
        return None
    code = code[:budget]
    # Insertion points: after line-ending tokens, in increasing order; several needles may share one.
    ends = np.nonzero(stream.ends_line[code])[0] + 1
    if len(ends) == 0:
        ends = np.array([budget // 2])
    points = sorted(rng.choice(list(ends)) for _ in needle_ids)
    parts, weights, last = [], [], 0
    for p, nid in zip(points, needle_ids):
        parts += [code[last:p], np.array(nid)]
        weights += [np.ones(p - last), np.ones(len(nid))]
        last = p
    parts += [code[last:], np.array(q_ids), np.array(a_ids)]
    weights += [np.ones(budget - last), np.ones(len(q_ids)), np.full(len(a_ids), ANSWER_WEIGHT)]
    ids = np.concatenate(parts).astype(np.int64)
    return ids, np.concatenate(weights).astype(np.float32), nt


def repeat_sequence(stream: TokenStream, rng: random.Random, length: int):
    """Code in which a span from earlier comes back verbatim later: the plain copying signal that makes
    induction heads form early, before needles can be answered. The repeat (after its first token,
    which cannot be predicted) is weighted like an answer."""
    code = stream.window(rng, length + 1)
    span = rng.randint(8, length // 5)
    src = rng.randrange(0, length // 2 - span)
    dst = rng.randrange(src + span, length + 1 - span)
    if rng.random() < 0.5:
        # Half the spans are random tokens: nothing but copying predicts their second occurrence.
        code = code.copy()
        code[src:src + span] = [rng.randrange(1, stream.vocab_size) for _ in range(span)]
    ids = np.concatenate([code[:dst], code[src:src + span], code[dst:]])[:length + 1]
    weights = np.ones(length + 1, dtype=np.float32)
    weights[dst + 1:dst + span] = ANSWER_WEIGHT
    return ids, weights, None


def make_batch(stream: TokenStream, rng: random.Random, batch: int, length: int, needle_share: float,
               repeat_share: float = 0.0):
    xs, ws = [], []
    while len(xs) < batch:
        seq = None
        draw = rng.random()
        if draw < needle_share:
            seq = needle_sequence(stream, rng, length, rng.choice(["single", "single", "multikey", "multivalue"]))
        elif draw < needle_share + repeat_share:
            seq = repeat_sequence(stream, rng, length)
        if seq is None:
            ids = stream.window(rng, length + 1)
            seq = (ids, np.ones(length + 1, dtype=np.float32), None)
        xs.append(seq[0])
        ws.append(seq[1])
    ids = torch.from_numpy(np.stack(xs))
    w = torch.from_numpy(np.stack(ws))
    return ids[:, :-1], ids[:, 1:], w[:, 1:]
