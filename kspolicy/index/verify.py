"""Size and sha256 of every file of a build, recorded in its manifest and checked before use.

`build` checks sizes and checksums of the current build before reusing it and
repairs what is missing or damaged (a deleted `bm25/`, overwritten SQLite pages,
a truncated `vectors.faiss`); loading for questions checks sizes only, which
costs one stat per file.

Segment files never change once written, so a file whose inode, size and
modification time are those it had when its checksum was last verified is not
read again (`Checked`, kept in the index folder): a build over an unchanged
index of any size costs one stat per file. Writing to a file changes its
modification time, so damage by a write is always read and found.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..read.ingest import sha256_of

MANIFEST = "manifest.json"
DATABASE = "kspolicy.sqlite"
VECTORS = "vectors.faiss"
REQUIRED = (DATABASE, VECTORS, "userdict.txt", "bm25/")  # "bm25/": at least one file below it
DAMAGED = "索引已损坏（{cause}），请运行 python -m kspolicy build --index {index} 修复"
CHECKED = "checked.json"


class Checked:
    """sha256 of index files already verified, keyed by (inode, size, mtime), and of corpus files,
    keyed by path with their stat (corpus.scan_corpus); a cache, safe to delete."""

    def __init__(self, index_dir: Path):
        self.path = index_dir / CHECKED
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.known: dict[str, str] = dict(data["files"])
            self.sources: dict[str, tuple[str, str]] = {k: tuple(v) for k, v in data["sources"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.known, self.sources = {}, {}
        self.seen: dict[str, str] = {}

    @staticmethod
    def key(info: os.stat_result) -> str:
        return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"

    def sha256(self, path: Path, info: os.stat_result) -> str:
        key = self.key(info)
        digest = self.known.get(key) or sha256_of(path)
        self.seen[key] = digest
        return digest

    def save(self) -> None:
        """Keep what this build verified (the files of older builds are gone or verified again)."""
        try:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"files": self.seen, "sources": self.sources}, ensure_ascii=False),
                           encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # only a cache


def file_records(folder: Path, known: dict[str, dict] | None = None) -> dict[str, dict]:
    """{relative path: {"size", "sha256"}} of every file of a build except its manifest;
    `known` records (files linked from the previous build) are taken as they are."""
    records = {}
    known = known or {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel != MANIFEST:
            records[rel] = known.get(rel) or {"size": path.stat().st_size, "sha256": sha256_of(path)}
    return records


def damaged(folder: Path, manifest: dict, checksums: bool = True, checked: Checked | None = None) -> list[str] | None:
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
            info = os.stat(path)
            if not isinstance(record, dict) or info.st_size != record.get("size"):
                bad.append(rel)
            elif checksums:
                digest = checked.sha256(path, info) if checked else sha256_of(path)
                if digest != record.get("sha256"):
                    bad.append(rel)
        except OSError:  # missing or unreadable
            bad.append(rel)
    return bad


def needs(bad: list[str]) -> str:
    """What a damaged build needs: 'parse' (a database is gone), 'embed' (vectors) or 'write'."""
    names = {rel.rsplit("/", 1)[-1] for rel in bad}
    if DATABASE in names or MANIFEST in bad:
        return "parse"
    if VECTORS in names:
        return "embed"
    return "write" if bad else ""


def describe(bad: list[str]) -> str:
    """The damaged files for a message: a damaged folder is named once (bm25/, segments/000002/)."""
    def shown(rel: str) -> str:
        parts = rel.split("/")
        if parts[0] == "segments" and len(parts) > 2:
            return "/".join(parts[:2]) + "/" + (parts[2] + "/" if len(parts) > 3 else parts[2])
        return parts[0] + "/" if len(parts) > 1 else rel
    return "、".join(dict.fromkeys(map(shown, bad)))
