"""Code chunks for tuning the static embeddings: the packages pinned in static_corpus.json, installed by
name@version (npm pack / pip download of the sdist) into the cache, cut into pieces of about CHUNK_LINES lines
at blank lines (close to what the engine's chunker keeps together). Each chunk is prefixed with its path, as
the engine enriches chunks."""
from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

SPEC = Path(__file__).resolve().parent / "static_corpus.json"
CHUNK_LINES = 30


def corpus_dir() -> Path:
    return Path(os.environ.get("LONGLENS_CACHE", Path.home() / ".cache" / "longlens")) / "static-corpus"


def install(pkg: dict) -> Path:
    target = corpus_dir() / f"{pkg['registry']}-{pkg['package']}-{pkg['version']}"
    if (target / ".done").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    if pkg["registry"] == "npm":
        name = subprocess.run(["npm", "pack", f"{pkg['package']}@{pkg['version']}", "--silent"], cwd=target, check=True,
                              capture_output=True, text=True).stdout.strip()
    else:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        f"{pkg['package']}=={pkg['version']}", "-d", "."], cwd=target, check=True)
        name = next(p.name for p in target.iterdir() if p.name.endswith(".tar.gz"))
    with tarfile.open(target / name) as tar:
        for member in tar.getmembers():
            member.name = member.name.split("/", 1)[1] if "/" in member.name else ""
            if member.name and (member.isfile() or member.isdir()):
                tar.extract(member, target, filter="data")
    (target / name).unlink()
    (target / ".done").touch()
    return target


def pieces(text: str) -> list[str]:
    """Runs of lines cut at the first blank line after CHUNK_LINES lines (or at 2 x CHUNK_LINES)."""
    out, current = [], []
    for line in text.split("\n"):
        current.append(line)
        if (len(current) >= CHUNK_LINES and not line.strip()) or len(current) >= 2 * CHUNK_LINES:
            out.append("\n".join(current))
            current = []
    if current:
        out.append("\n".join(current))
    return [p for p in out if len(p.strip()) > 80]


def chunks() -> list[str]:
    out = []
    for pkg in json.loads(SPEC.read_text())["packages"]:
        root = install(pkg)
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if not path.is_file() or not any(fnmatch.fnmatch(rel, g) for g in pkg["include"]) \
                    or any(fnmatch.fnmatch(rel, g) for g in pkg["exclude"]):
                continue
            shown = f"{pkg['package']}/{rel}"
            out += [f"{shown}\n{piece}" for piece in pieces(path.read_text(errors="replace"))]
    return out


if __name__ == "__main__":
    found = chunks()
    print(len(found), "chunks,", sum(map(len, found)), "characters")
