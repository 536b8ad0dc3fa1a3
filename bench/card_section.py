"""The model card's generated sections: each lives between its own start and end markers in models/README.md."""

from __future__ import annotations

from pathlib import Path

CARD = Path(__file__).resolve().parent.parent / "models" / "README.md"


def write_section(name: str, body: str) -> None:
    """Replaces the text between <!-- NAME:start --> and <!-- NAME:end --> in the card."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = CARD.read_text()
    if start not in text or end not in text:
        raise SystemExit(f"{name}: {CARD} has no {start} ... {end} section")
    head, rest = text.split(start, 1)
    CARD.write_text(f"{head}{start}\n{body}\n{end}{rest.split(end, 1)[1]}")
    print(f"wrote {CARD}")
