"""Size and sha256 of every file of a build, recorded in its manifest and checked before use.

`build` checks sizes and checksums of the current build before reusing it and
repairs what is missing or damaged (a deleted `bm25/`, overwritten SQLite pages,
a truncated `vectors.faiss`); loading for questions checks sizes only, which
costs one stat per file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

MANIFEST = "manifest.json"
DATABASE = "kspolicy.sqlite"
VECTORS = "vectors.faiss"
REQUIRED = (DATABASE, VECTORS, "userdict.txt", "bm25/")  # "bm25/": at least one file below it
DAMAGED = "索引已损坏（{cause}），请运行 python -m kspolicy build --index {index} 修复"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_records(folder: Path) -> dict[str, dict]:
    """{relative path: {"size", "sha256"}} of every file of a build except its manifest."""
    records = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel != MANIFEST:
            records[rel] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    return records


def damaged(folder: Path, manifest: dict, checksums: bool = True) -> list[str] | None:
    """Files of the build that are missing, of another size or (with `checksums`) changed.

    [] when the build is sound; None when the manifest records no files (an index
    written before checksums were recorded), so nothing can be verified.
    """
    records = manifest.get("files")
    if not isinstance(records, dict) or not records:
        return None
    bad = [rel for rel in REQUIRED if not any(r == rel or r.startswith(rel) for r in records)]
    for rel, record in records.items():
        path = folder / rel
        try:
            if not isinstance(record, dict) or os.stat(path).st_size != record.get("size") \
                    or (checksums and sha256_file(path) != record.get("sha256")):
                bad.append(rel)
        except OSError:  # missing or unreadable
            bad.append(rel)
    return bad


def needs(bad: list[str]) -> str:
    """What a damaged build needs: 'parse' (the database is gone), 'embed' (vectors) or 'write'."""
    if DATABASE in bad or MANIFEST in bad:
        return "parse"
    if VECTORS in bad:
        return "embed"
    return "write" if bad else ""


def describe(bad: list[str]) -> str:
    """The damaged files for a message: a damaged folder is named once (bm25/)."""
    names = dict.fromkeys(rel.split("/", 1)[0] + "/" if "/" in rel else rel for rel in bad)
    return "、".join(names)
