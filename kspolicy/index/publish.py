"""Write a complete build next to the current one, then point `current` at it.

Every file of the build is recorded in its manifest with size and sha256
(verify.py). A write that fails (disk full, no permission; OSError from Python,
sqlite3.Error from SQLite, RuntimeError from the FAISS writer) removes the
half-written folder and raises `WriteFailed`; the current build keeps serving.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import uuid
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from . import store, verify
from .embed import Embedder, calibration
from .tokens import Tokenizer
from ..understand.aliases import userdict_lines

KEEP_BUILDS = 2


class WriteFailed(Exception):
    """The new build could not be written; str(error) is one Chinese line. The old build is untouched."""


def why(exc: BaseException) -> str:
    """A short Chinese cause of a write failure."""
    text = str(exc).lower()
    if getattr(exc, "errno", None) == errno.ENOSPC or "no space" in text or "disk is full" in text \
            or "disk full" in text:
        return "磁盘空间不足"
    if getattr(exc, "errno", None) in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text:
        return "没有写入权限"
    return getattr(exc, "strerror", None) or type(exc).__name__


def publish(index_dir: Path, kept, vectors: np.ndarray, embedder: Embedder, version: dict) -> None:
    """Write `kept` documents with their `vectors` as a new build and make it current.

    `version` holds the manifest's format and parser versions.
    """
    builds = index_dir / "builds"
    build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    tmp, final = builds / f".{build_id}.tmp", builds / build_id
    try:
        builds.mkdir(exist_ok=True)
        tmp.mkdir()
        _write(tmp, kept, vectors, embedder, version)
        _fsync_tree(tmp)
        os.rename(tmp, final)
        link = index_dir / f".current.{build_id}"
        os.symlink(os.path.relpath(final, index_dir), link)
        os.replace(link, index_dir / "current")
    except (OSError, sqlite3.Error, RuntimeError, MemoryError) as exc:
        for leftover in (tmp, final):
            shutil.rmtree(leftover, ignore_errors=True)
        (index_dir / f".current.{build_id}").unlink(missing_ok=True)
        raise WriteFailed(f"写入索引失败（{why(exc)}），原索引未改变，仍可使用：{index_dir}") from None
    try:
        if not (index_dir / "manifest.json").is_symlink():
            os.symlink("current/manifest.json", index_dir / ".manifest.link")
            os.replace(index_dir / ".manifest.link", index_dir / "manifest.json")
    except OSError as exc:
        raise WriteFailed(f"写入索引失败（{why(exc)}）：{index_dir / 'manifest.json'}") from None
    _collect_garbage(index_dir, final)


def _write(folder: Path, kept, vectors: np.ndarray, embedder: Embedder, version: dict) -> None:
    import bm25s
    import faiss

    chunks = [c for _, cs, _ in kept for c in cs]
    db = store.create(folder / "kspolicy.sqlite")
    try:
        with db:
            for parsed, _, _ in kept:
                store.write_parsed(db, parsed)
            store.write_chunks(db, chunks)
    finally:
        db.close()
    names = [n for parsed, _, _ in kept for forms in (*parsed.places.values(), *parsed.departments.values())
             for n in forms]
    (folder / "userdict.txt").write_text("\n".join(userdict_lines(names)) + "\n", encoding="utf-8")
    index = faiss.IndexFlatIP(embedder.dim)
    if len(vectors):
        index.add(vectors)
    faiss.write_index(index, str(folder / "vectors.faiss"))
    tokenizer = Tokenizer(folder / "userdict.txt")
    retriever = bm25s.BM25()
    retriever.index([list(tokenizer.tokens(c.embed_text)) or ["∅"] for c in chunks], show_progress=False)
    retriever.save(str(folder / "bm25"), show_progress=False)
    manifest = {
        **version, "model": embedder.name, "dimension": embedder.dim, "chunks": len(chunks),
        "calibration": calibration(embedder.name),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "documents": {p.document.doc_id: {"sha256": p.document.sha256, "source": p.document.source,
                                          "title": p.document.title} for p, _, _ in kept},
        "files": verify.file_records(folder),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _collect_garbage(index_dir: Path, current: Path) -> None:
    """Keep the current build and the one before it (a reader may still be loading it)."""
    builds = sorted((p for p in (index_dir / "builds").iterdir() if p.is_dir()), key=lambda p: p.name)
    finished = [p for p in builds if not p.name.startswith(".") and p != current]
    for old in finished[: max(0, len(finished) - (KEEP_BUILDS - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    for tmp in (p for p in builds if p.name.startswith(".")):
        shutil.rmtree(tmp, ignore_errors=True)  # left by a killed build
    for link in index_dir.glob(".current.*"):
        link.unlink(missing_ok=True)
