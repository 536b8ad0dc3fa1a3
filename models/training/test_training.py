"""Checks of the training-side code that the TypeScript tests cannot see. Run by .ci/run:
python -m unittest discover models/training   (in the training virtualenv)."""

from __future__ import annotations

import random
import tempfile
import unittest
from pathlib import Path

import torch

from doc_pairs import brace_pairs, python_pairs
from evaluate import Mode, Reader
from export import load_checkpoint
from model import (AttnContext, LongLensModel, MemoryState, ModelConfig, read_memory, table_subkeys, with_local_heads,
                   write_memory)
from needles import CALIBRATION_WORDS, EVAL_WORDS, TRAIN_WORDS, make_task


def tiny(pos_modes=("none", "repo", "repo"), mem_chunk=8) -> LongLensModel:
    torch.manual_seed(0)
    cfg = ModelConfig(vocab_size=97, d_model=32, n_layer=3, n_head=2, d_mlp=64, block_size=32,
                      pos_modes=list(pos_modes), mem_chunk=mem_chunk, mem_subkeys=8, mem_kdim=16, mem_vdim=16)
    model = LongLensModel(cfg).eval()
    with torch.no_grad():
        for block in model.blocks:  # the convolutions start at zero; give them weight so their carry is tested
            block.conv.weight.normal_(std=0.3)
    return model


class MemoryTest(unittest.TestCase):
    def test_one_token_written_alone_reads_back_its_target(self):
        values = torch.zeros(1, 64, 16)
        slots = torch.tensor([[[3, 9, 12, 20, 33, 40, 51, 63]]])
        weights = torch.full((1, 1, 8), 1 / 8)
        target = torch.randn(1, 1, 16)
        with torch.no_grad():
            read = read_memory(values, slots, weights)
            values = write_memory(values, slots, weights, read, target, torch.ones(1, 1, 1), topk=8)
            self.assertLess((read_memory(values, slots, weights) - target).abs().max().item(), 1e-5)

    def test_reading_in_pieces_equals_reading_at_once(self):
        """The runtime reads long inputs piece by piece (KV cache, memory carried over, the previous
        piece's last token written with the next piece's first); the result must not depend on that."""
        model = tiny()
        ids = torch.randint(0, 97, (1, 48))
        with torch.no_grad():
            whole = model(ids, AttnContext(window=8), state=MemoryState.fresh(model.cfg, 1))
            state, caches = MemoryState.fresh(model.cfg, 1), [None] * 3
            parts = [model(ids[:, a:b], AttnContext(window=8, keep_cache=True, offset=a), state=state, caches=caches)
                     for a, b in ((0, 16), (16, 24), (24, 48))]
        self.assertLess((torch.cat(parts, 1) - whole).abs().max().item(), 1e-4)

    def test_provenance_names_every_written_token_the_same_in_pieces(self):
        """Each slot remembers the last token written into it: every target (tokens 1..47) is counted once
        per slot it reached, the last target owns its slots, and reading in pieces (absolute positions
        carried over) changes nothing."""
        model = tiny()
        ids = torch.randint(0, 97, (1, 48))
        with torch.no_grad():
            whole = MemoryState.fresh(model.cfg, 1, track=True)
            model(ids, AttnContext(window=8), state=whole)
            parts = MemoryState.fresh(model.cfg, 1, track=True)
            caches = [None] * 3
            for a, b in ((0, 16), (16, 24), (24, 48)):
                model(ids[:, a:b], AttnContext(window=8, keep_cache=True, offset=a), state=parts, caches=caches)
        self.assertEqual(whole.hits.sum().item(), 47 * model.cfg.mem_topk)
        named = set(whole.writer[whole.writer >= 0].tolist())
        self.assertLessEqual(named, set(range(1, 48)))
        self.assertIn(47, named)
        self.assertTrue(torch.equal(whole.hits, parts.hits))
        self.assertTrue(torch.equal(whole.writer, parts.writer))

    def test_a_question_asked_of_a_snapshot_leaves_the_reading_as_it_was(self):
        """The card scores one and two passes from one reading: after the first pass the question is asked
        of a snapshot. Asking must give what a one-pass reader gives, and the second pass must read on as
        if nothing had been asked."""
        model = tiny()
        hay, question = torch.randint(1, 97, (40,)).tolist(), torch.randint(1, 97, (6,)).tolist()
        mode = Mode(memory=True, passes=2)

        def read(passes: int) -> Reader:
            reader = Reader(model, mode, 46)
            for _ in range(passes):
                reader.feed(hay)
            return reader

        reader = read(1)
        self.assertTrue(torch.equal(reader.snapshot().feed(question), read(1).feed(question)))
        reader.feed(hay)
        self.assertTrue(torch.equal(reader.feed(question), read(2).feed(question)))

    def test_a_longer_read_gets_a_larger_table(self):
        self.assertEqual(table_subkeys(100), 16)
        self.assertEqual(table_subkeys(16_384), 128)
        self.assertEqual(table_subkeys(1_048_576), 1024)
        self.assertEqual(table_subkeys(10**9), 1024)


class LocalHeadsTest(unittest.TestCase):
    def test_a_local_head_never_sees_beyond_its_window_and_the_rest_stay_global(self):
        model = with_local_heads(tiny(), [[0], [0], [0]], 8)
        attn = model.blocks[0].attn
        with torch.no_grad():
            h = model.blocks[0].ln1(model.embed(torch.randint(0, 97, (1, 40))))
            _, _, probs, _ = attn(h, AttnContext(want_probs=True), None)
        self.assertEqual(probs[0, 0, -1, :-8].abs().max().item(), 0.0)  # head 0: nothing before its last 8 keys
        self.assertGreater(probs[0, 1, -1, :-8].sum().item(), 0.1)  # head 1 reads everything

    def test_local_heads_read_the_same_in_pieces_as_at_once(self):
        model = with_local_heads(tiny(), [[1], [], [0, 1]], 8)
        ids = torch.randint(0, 97, (1, 48))
        with torch.no_grad():
            whole = model(ids, AttnContext(), write=False)
            caches = [None] * 3
            parts = [model(ids[:, a:b], AttnContext(keep_cache=True, offset=a), caches=caches, write=False)
                     for a, b in ((0, 16), (16, 24), (24, 48))]
        self.assertLess((torch.cat(parts, 1) - whole).abs().max().item(), 1e-4)
        self.assertGreater((whole - tiny()(ids, AttnContext(), write=False)).abs().max().item(), 1e-3)  # they do act


class CopyTest(unittest.TestCase):
    def test_a_small_model_learns_to_copy_a_repeated_random_sequence(self):
        """The induction (copy) circuit needles rest on must be learnable by this architecture: at toy size
        it copies a repeated random sequence within 250 steps. Fails if attention or rotation breaks."""
        model = tiny(("rope", "rope", "rope"), mem_chunk=32)
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
        for _ in range(250):
            half = torch.randint(1, 97, (16, 16))
            x = torch.cat([half, half], 1)
            logits = model(x[:, :-1], AttnContext())
            loss = torch.nn.functional.cross_entropy(logits[:, 16:].reshape(-1, 97), x[:, 17:].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
        self.assertLess(loss.item(), 0.5)


class ExportTest(unittest.TestCase):
    def test_a_checkpoint_that_does_not_match_its_config_is_refused(self):
        model = tiny()
        config = model.cfg.to_dict()
        config["d_mlp"] = 48  # the weights say 64
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "bad.pt"
            torch.save({"config": config, "model": model.state_dict()}, path)
            with self.assertRaises((SystemExit, RuntimeError)) as caught:
                load_checkpoint(path)
            self.assertIn("bad.pt", str(caught.exception))


class DocPairsTest(unittest.TestCase):
    JS = """/**
 * Parse a semver range into its comparator sets.
 * @param {string} range
 */
function parseRange(range) {
  const sets = range.split('||');
  return sets.map((s) => s.trim());
}

/** The cache of parsed ranges, kept between calls. */
const cache = new Map();

/**
 * Returns whether the given version satisfies the range.
 */
if (legacy) {
  return false;
}
"""
    PY = '''def load(path, strict=False):
    """Read a config file and return its settings as a dict.

    Args:
        path: where it is.
    """
    text = open(path).read()
    return parse(text, strict)
'''

    def test_a_doc_comment_pairs_with_the_function_below_it_and_nothing_else(self):
        pairs = brace_pairs(self.JS)
        self.assertEqual([doc for doc, _ in pairs], ["Parse a semver range into its comparator sets."])
        code = pairs[0][1]
        self.assertTrue(code.startswith("function parseRange(range) {") and code.endswith("}"), code)
        self.assertNotIn("cache", code)

    def test_a_docstring_pairs_with_its_function_without_the_docstring(self):
        [(doc, code)] = python_pairs(self.PY)
        self.assertEqual(doc, "Read a config file and return its settings as a dict.")
        self.assertNotIn('"""', code)
        self.assertIn("def load(path, strict=False):", code)
        self.assertIn("return parse(text, strict)", code)


class NeedleTest(unittest.TestCase):
    def test_training_evaluation_and_calibration_keys_never_meet(self):
        train, evaluation, calibration = ({w for ws in words for w in ws} for words in (TRAIN_WORDS, EVAL_WORDS, CALIBRATION_WORDS))
        self.assertFalse(train & evaluation)
        self.assertFalse((train | evaluation) & calibration)

    def test_every_value_is_planted_and_the_question_names_the_key(self):
        rng = random.Random(5)
        for task in ("single", "multikey", "multivalue"):
            for _ in range(50):
                nt = make_task(rng, task, "js")
                planted = "".join(text for text, _ in nt.needles)
                self.assertTrue(all(v in planted for v in nt.values))
                self.assertTrue(nt.key in nt.question or nt.key.replace("-", " ") in nt.question)
                self.assertTrue(all(v in nt.answer for v in nt.values))


if __name__ == "__main__":
    unittest.main()
