"""Trains the LongLens byte-level BPE tokenizer on the train split of the corpus (never on held-out files).

Writes models/tokenizer.json (vocab 8192) or, with --smoke, a 1024-token one into the smoke cache. The settings are
the plain GPT-2 style byte-level ones so that the JavaScript loader (@huggingface/tokenizers) reproduces the ids.
"""
from __future__ import annotations

import time

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from common import (
    END_OF_TEXT, END_OF_TEXT_ID, SMOKE_VOCAB_SIZE, VOCAB_SIZE, load_manifest, read_text, sha256_file, smoke_flag, tokenizer_path,
)


def train_texts(smoke: bool):
    for entry in load_manifest(smoke):
        if entry["split"] == "train":
            yield read_text(entry["path"])


def build_tokenizer() -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    # No prefix space: code is not prose, and a leading space would change the first token of every file.
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    return tokenizer


def train(smoke: bool) -> Tokenizer:
    tokenizer = build_tokenizer()
    trainer = trainers.BpeTrainer(
        vocab_size=SMOKE_VOCAB_SIZE if smoke else VOCAB_SIZE,
        min_frequency=2,
        special_tokens=[END_OF_TEXT],              # first special token gets id 0
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),   # all 256 bytes: nothing is ever unknown
        show_progress=False,
    )
    tokenizer.train_from_iterator(train_texts(smoke), trainer=trainer)
    if tokenizer.token_to_id(END_OF_TEXT) != END_OF_TEXT_ID:
        raise SystemExit(f"{END_OF_TEXT} did not get id {END_OF_TEXT_ID}")
    return tokenizer


def main() -> None:
    smoke = smoke_flag(__doc__, "1024-token vocabulary from the smoke corpus, kept in the cache")
    started = time.time()
    tokenizer = train(smoke)
    target = tokenizer_path(smoke)
    target.parent.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(target), pretty=True)
    print(f"vocab {tokenizer.get_vocab_size()} -> {target} (sha256 {sha256_file(target)[:16]}); "
          f"{time.time() - started:.1f}s")


if __name__ == "__main__":
    main()
