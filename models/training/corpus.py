"""Builds the training/held-out source corpus from the pinned npm packages in corpus.json.

Tarballs are fetched once with `npm pack` into <cache>/tarballs; source files are filtered (minified, generated,
binary, duplicate) and written to <cache>/corpus/{train,heldout}/<package>/..., with a manifest (files.json) that
fixes the order every later step reads them in, and a summary (summary.json).
"""
from __future__ import annotations

import collections
import fnmatch
import hashlib
import json
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

from common import CORPUS_SPEC, cache_dir, corpus_dir, language_of, smoke_flag

MAX_LINE_CHARS = 1000        # longer lines mean minified or generated code
MAX_FILE_BYTES = 16 << 20
MINIFIED_MARKERS = (".min.", "-min.", ".bundle.")


def tarball_name(name: str, version: str) -> str:
    """The file name `npm pack` gives: @scope/name -> scope-name-version.tgz."""
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def fetch_tarball(name: str, version: str, folder: Path) -> Path:
    target = folder / tarball_name(name, version)
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", f"{name}@{version}", "--pack-destination", str(folder), "--silent"],
                       check=True, stdout=subprocess.DEVNULL)
    if not target.exists():
        raise SystemExit(f"npm pack {name}@{version} did not produce {target.name}")
    return target


def wanted(path: str, package: dict) -> bool:
    include = package.get("include")
    if include and not any(fnmatch.fnmatchcase(path, glob) for glob in include):
        return False
    return not any(fnmatch.fnmatchcase(path, glob) for glob in package.get("exclude", []))


def reject_reason(path: str, data: bytes) -> str | None:
    """Why a source file stays out of the corpus; None when it is kept."""
    if any(marker in path.rsplit("/", 1)[-1] for marker in MINIFIED_MARKERS):
        return "minified name"
    if len(data) > MAX_FILE_BYTES:
        return "too large"
    if b"\0" in data:
        return "binary"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not utf-8"
    if not text.strip():
        return "empty"
    if max(len(line) for line in text.splitlines()) > MAX_LINE_CHARS:
        return "long lines"
    return None


def package_files(tarball: Path, package: dict):
    """Yields (path inside the package, bytes) of every regular file; checks the licence the package declares."""
    with tarfile.open(tarball) as archive:
        for member in archive:
            if not member.isfile():
                continue
            # The top folder is usually "package/" but not always (@types tarballs use the package's own name).
            path = member.name.split("/", 1)[1] if "/" in member.name else member.name
            data = archive.extractfile(member).read()
            if path == "package.json":
                declared = json.loads(data).get("license")
                if declared != package["license"]:
                    raise SystemExit(f"{package['name']}@{package['version']} declares licence {declared!r}, "
                                     f"corpus.json says {package['license']!r}")
            yield path, data


def build(smoke: bool) -> dict:
    spec = json.loads(CORPUS_SPEC.read_text())
    tarballs = cache_dir() / "tarballs"     # shared by smoke and full runs: same pinned files
    out = corpus_dir(smoke)
    shutil.rmtree(out, ignore_errors=True)
    manifest: list[dict] = []
    seen: set[str] = set()
    summary: dict = {"splits": {}, "packages": {}, "rejected": collections.Counter()}
    for split in ("train", "heldout"):
        packages = spec[split]
        if smoke:
            packages = [p for p in packages if p["name"] in spec["smoke"][split]]
        per_lang: dict = collections.defaultdict(lambda: {"files": 0, "bytes": 0})
        for package in packages:
            tarball = fetch_tarball(package["name"], package["version"], tarballs)
            folder = package["name"].lstrip("@").replace("/", "__")
            kept = 0
            for path, data in package_files(tarball, package):
                lang = language_of(path)
                if lang is None or not wanted(path, package):
                    continue
                reason = reject_reason(path, data)
                digest = hashlib.sha256(data).hexdigest()
                if reason is None and digest in seen:
                    reason = "duplicate"
                if reason:
                    summary["rejected"][reason] += 1
                    continue
                seen.add(digest)
                relative = f"{split}/{folder}/{path}"
                (out / relative).parent.mkdir(parents=True, exist_ok=True)
                (out / relative).write_bytes(data)
                manifest.append({"split": split, "package": package["name"], "lang": lang,
                                 "path": relative, "bytes": len(data)})
                per_lang[lang]["files"] += 1
                per_lang[lang]["bytes"] += len(data)
                kept += len(data)
            summary["packages"][f"{package['name']}@{package['version']}"] = {"split": split, "bytes": kept}
        summary["splits"][split] = dict(sorted(per_lang.items()))
    out.mkdir(parents=True, exist_ok=True)
    (out / "files.json").write_text(json.dumps(manifest, indent=0))
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def main() -> None:
    smoke = smoke_flag(__doc__, "only the few small packages listed under 'smoke'")
    started = time.time()
    summary = build(smoke)
    for split, languages in summary["splits"].items():
        total = sum(v["bytes"] for v in languages.values())
        detail = ", ".join(f"{lang} {v['bytes'] / 1e6:.2f} MB/{v['files']} files" for lang, v in languages.items())
        print(f"{split}: {total / 1e6:.1f} MB ({detail})")
    print(f"rejected: {dict(summary['rejected'])}; {time.time() - started:.1f}s -> {corpus_dir(smoke)}")


if __name__ == "__main__":
    main()
