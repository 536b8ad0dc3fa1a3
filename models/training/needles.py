"""RULER-style needles planted in real code: the synthetic long-range retrieval tasks of the
training mix, and (with the evaluation word lists) the needles of the benchmarks.

A needle states a value for a key ("quiet-river"), as a comment or as a code assignment; the
question at the end names the key exactly or paraphrases it ("the quiet river"). Training and
evaluation draw keys from disjoint word lists, and values at random.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

ADJECTIVES = (
    "quiet brave calm dark eager fancy gentle happy icy jolly kind lively misty noble odd proud rapid "
    "silent tender vast witty young zealous ancient bitter clever dusty early faint golden hollow "
    "humble jagged keen lucky mellow narrow olive pale quick rough shiny tidy upper vivid warm "
    "amber bold crisp dim fierce grand hidden iron loyal"
).split()
NOUNS = (
    "river falcon meadow anchor bridge candle desert ember forest glacier harbor island jungle kettle "
    "lantern marble needle orchard pebble quarry rocket saddle temple valley willow yacht zephyr "
    "badger cactus dolphin engine feather garden hammer igloo jacket kernel ladder mirror nectar "
    "oyster parrot quiver ribbon summit tunnel violet walnut"
).split()
# Every other word goes to evaluation, so no evaluation key was ever seen in training.
TRAIN_WORDS = (ADJECTIVES[0::2], NOUNS[0::2])
EVAL_WORDS = (ADJECTIVES[1::2], NOUNS[1::2])
# Keys for fitting the long-context calibration after training (fit_local_heads.py): in neither list above,
# so the fit sees no evaluation key and no key the model was trained on.
CALIBRATION_WORDS = (
    "azure brisk coral dainty frosty gloomy hasty lofty murky nimble plush rusty sleek stormy sunny swift".split(),
    "acorn beacon cobalt copper domino fossil galaxy granite hazel magnet nugget pepper pylon raven sparrow thistle".split(),
)

# The share of needles written as code assignments, where the value comes before the key (harder to copy
# back from than a comment's "... is: value"); the rest are comments. Training and evaluation alike.
ASSIGN_SHARE = 0.25

COMMENT = {"js": "//", "ts": "//", "c_cpp": "//", "go": "//", "rust": "//", "python": "#"}


@dataclass
class Needle:
    key: str  # "quiet-river"
    values: list[str]


def make_key(rng: random.Random, words) -> str:
    return f"{rng.choice(words[0])}-{rng.choice(words[1])}"


def near_miss(rng: random.Random, key: str, words) -> str:
    """A distractor key that shares one word with key."""
    adj, noun = key.split("-")
    if rng.random() < 0.5:
        return f"{adj}-{rng.choice([n for n in words[1] if n != noun])}"
    return f"{rng.choice([a for a in words[0] if a != adj])}-{noun}"


def make_value(rng: random.Random, kind: str) -> str:
    if kind == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return str(rng.randint(1_000_000, 9_999_999))


def kind_word(kind: str) -> str:
    return "uuid" if kind == "uuid" else "number"


def needle_line(rng: random.Random, key: str, value: str, kind: str, lang: str, style: str) -> str:
    c = COMMENT.get(lang, "//")
    if style == "comment":
        return f"{c} One of the special magic {kind_word(kind)}s for {key} is: {value}.\n"
    ident = "".join(w.capitalize() for w in key.split("-"))
    literal = f'"{value}"' if kind == "uuid" else value
    if lang == "python":
        return f"MAGIC_{key.replace('-', '_').upper()} = {literal}  {c} special magic {kind_word(kind)} for {key}\n"
    return f"const magic{ident} = {literal}; {c} special magic {kind_word(kind)} for {key}\n"


def question_text(rng: random.Random, key: str, kind: str, lang: str, paraphrase: bool, multi: bool) -> str:
    """The question, ending as RULER's prompts do with the start of the answer sentence, so the value
    follows the same words in the question as in the needle."""
    c = COMMENT.get(lang, "//")
    name = "the " + key.replace("-", " ") if paraphrase else key
    what = kind_word(kind) + ("s" if multi else "")
    verb = "are" if multi else "is"
    return (f"\n{c} Question: What {verb} the special magic {what} for {name}?"
            f"\n{c} Answer: The special magic {what} for {name} {verb}:")


def answer_text(values: list[str]) -> str:
    return " " + ", ".join(values) + "\n"


@dataclass
class NeedleTask:
    key: str  # the key the question asks for
    needles: list[tuple[str, str]]  # (line text, key) in the order planted
    question: str
    answer: str
    values: list[str]  # the reference values (RULER metric: case-insensitive substring)
    style: str  # comment | assign


def make_task(rng: random.Random, task: str, lang: str, words=TRAIN_WORDS, paraphrase: bool | None = None) -> NeedleTask:
    """task: single | multikey | multivalue. paraphrase: whether the question paraphrases the key
    (None: 30% of the time, the training mix)."""
    kind = "uuid" if rng.random() < 0.2 else "number"
    style = "comment" if rng.random() < 1 - ASSIGN_SHARE else "assign"
    if paraphrase is None:
        paraphrase = rng.random() < 0.3
    key = make_key(rng, words)
    if task == "multivalue":
        values = [make_value(rng, kind) for _ in range(rng.randint(2, 4))]
        lines = [(needle_line(rng, key, v, kind, lang, style), key) for v in values]
    else:
        values = [make_value(rng, kind)]
        lines = [(needle_line(rng, key, values[0], kind, lang, style), key)]
        if task == "multikey":
            for _ in range(rng.randint(1, 3)):
                other = near_miss(rng, key, words) if rng.random() < 0.5 else make_key(rng, words)
                if other != key:
                    lines.append((needle_line(rng, other, make_value(rng, kind), kind, lang, style), other))
            rng.shuffle(lines)
    q = question_text(rng, key, kind, lang, paraphrase, multi=(task == "multivalue"))
    return NeedleTask(key, lines, q, answer_text(values), values, style)
