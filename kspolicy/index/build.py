"""Build the index: incremental by content hash, published atomically.

Layout of an index folder:

    index/current -> builds/<id>     symlink, swapped atomically (os.replace)
    index/manifest.json -> current/manifest.json
    index/builds/<id>/manifest.json  format version, model, dimension, documents, build time
    index/builds/<id>/kspolicy.sqlite
    index/builds/<id>/vectors.faiss  inner product over L2-normalised vectors
    index/builds/<id>/bm25/          bm25s arrays (npy + json, no pickle)
    index/builds/<id>/userdict.txt   jieba user dictionary learnt from the documents

A build writes a new folder and only then points `current` at it, so a reader
never sees a half-written index and a killed build leaves the last one serving.
Unchanged documents are copied from the previous build: not re-parsed, not
re-embedded.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .. import PARSER_VERSION

from . import store
from ..understand.aliases import userdict_lines
from .chunk import document_chunks
from .embed import Embedder, calibration
from ..read.ingest import SUPPORTED, SUPPORTED_NAMES, IngestError, sha256_of, unsupported
from ..models import BuildReport, Chunk, Skipped
from ..understand.parse import Parsed, parse_file
from .tokens import Tokenizer

FORMAT_VERSION = 2
KEEP_BUILDS = 2


class IndexProblem(Exception):
    """A user-facing index problem; str(error) is Chinese."""


@dataclass(frozen=True)
class Source:
    path: Path
    doc_id: str
    sha256: str


def resolve(index_dir: Path) -> Path:
    """The folder of the build currently served."""
    if (index_dir / "manifest.json").exists():
        return (index_dir / "manifest.json").resolve().parent
    raise IndexProblem(f"没有找到索引（{index_dir}）。请先运行：python -m kspolicy build --index {index_dir}")


def read_manifest(index_dir: Path) -> dict | None:
    try:
        return json.loads((resolve(index_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (IndexProblem, OSError, ValueError):
        return None


def scan_corpus(corpus: Path) -> tuple[list[Source], list[Skipped]]:
    """Supported files under `corpus` with ids; other files are reported, hidden ones ignored."""
    if not corpus.is_dir():
        raise IndexProblem(f"语料目录不存在或不可读：{corpus}")
    sources, skipped, ids = [], [], set()
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        rel = path.relative_to(corpus)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() not in SUPPORTED:
            skipped.append(Skipped(str(rel), unsupported(path.suffix)))
            continue
        doc_id = rel.with_suffix("").as_posix()
        doc_id = doc_id if doc_id not in ids else rel.as_posix()
        ids.add(doc_id)
        try:
            sources.append(Source(path, doc_id, sha256_of(path)))
        except OSError as exc:
            skipped.append(Skipped(str(rel), f"无法读取文件（{exc.strerror}）"))
    return sources, skipped


Progress = Callable[[str, int, int], None]  # (stage, done, total); stages 解析, 向量化, 写入索引


def no_progress(stage: str, done: int, total: int) -> None:
    return None


def build(corpus: Path, index_dir: Path, embedder: Embedder, progress: Progress = no_progress) -> BuildReport:
    """Bring the index in line with the corpus; returns what changed and what was skipped."""
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise IndexProblem("另一个构建正在进行，请稍后再试") from None
        report = _build_locked(corpus, index_dir, embedder, progress)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _previous(index_dir: Path, model: str):
    """(manifest, db, vectors) of the current build when it can be reused, else Nones."""
    import faiss

    manifest = read_manifest(index_dir)
    if not manifest:
        return None, None, None
    folder = resolve(index_dir)
    try:
        db = store.open_readonly(folder / "kspolicy.sqlite")
        db.execute("SELECT count(*) FROM documents").fetchone()
        vectors = None
        if manifest.get("model") == model and manifest.get("format_version") == FORMAT_VERSION:
            index = faiss.read_index(str(folder / "vectors.faiss"))
            vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), "float32")
    except (sqlite3.Error, RuntimeError, OSError):  # a damaged build: rebuild everything, replace it
        return None, None, None
    return manifest, db, vectors


def _build_locked(corpus: Path, index_dir: Path, embedder: Embedder, progress: Progress) -> BuildReport:
    report = BuildReport()
    sources, report.skipped = scan_corpus(corpus)
    manifest, old_db, old_vectors = _previous(index_dir, embedder.name)
    old_docs = (manifest or {}).get("documents", {})
    reusable = old_vectors is not None and (manifest or {}).get("parser_version") == PARSER_VERSION
    if manifest and not reusable:
        report.note = "索引由其他模型或旧版程序构建，全部文件重新处理"
    # When two files are the same document, the one already indexed (else the older file) stays.
    sources.sort(key=lambda s: (s.doc_id not in old_docs, s.path.stat().st_mtime, s.path.as_posix()))
    kept: list[tuple[Parsed, list[Chunk], np.ndarray | None]] = []
    seen_sha: dict[str, str] = {}
    seen_number: dict[tuple[str, str], str] = {}
    for n, source in enumerate(sources):
        progress("解析", n, len(sources))
        rel = source.path.relative_to(corpus).as_posix()
        if source.sha256 in seen_sha:
            report.skipped.append(Skipped(rel, f"重复文件：与 {seen_sha[source.sha256]} 内容完全相同，已跳过"))
            continue
        old = old_docs.get(source.doc_id)
        if reusable and old and old["sha256"] == source.sha256:
            item, bucket = _reuse(old_db, old_vectors, source.doc_id), report.unchanged
        else:
            try:
                parsed = parse_file(source.path, source.doc_id, source.sha256)
            except Exception as exc:  # noqa: BLE001 - one broken file must not stop the build
                reason = str(exc) if isinstance(exc, IngestError) else f"解析失败（内部错误 {type(exc).__name__}: {exc}）"
                if old and old_db is not None:  # keep serving the last good version
                    report.skipped.append(Skipped(rel, reason + "；已保留上次索引的版本"))
                    kept.append(_reuse(old_db, old_vectors if reusable else None, source.doc_id))
                    seen_sha[source.sha256] = rel
                else:
                    report.skipped.append(Skipped(rel, reason))
                continue
            item = (parsed, document_chunks(parsed.clauses, parsed.tables), None)
            if not item[1]:
                report.skipped.append(Skipped(rel, "没有可检索的正文（只有标题或空白）"))
                continue
            bucket = report.changed if old else report.added
        parsed = item[0]
        key = (parsed.document.doc_number, parsed.document.title)
        if parsed.document.doc_number and key in seen_number:
            report.skipped.append(Skipped(rel, f"重复文件：与 {seen_number[key]} 是同一文件"
                                                f"（{parsed.document.doc_number}），已跳过"))
            continue
        seen_sha[source.sha256] = rel
        seen_number[key] = rel
        kept.append(item)
        bucket.append(source.doc_id)
    present = {p.document.doc_id for p, _, _ in kept}
    report.removed = sorted(d for d in old_docs if d not in present)
    if not kept:
        raise IndexProblem("没有可以建立索引的文件：" + ("；".join(f"{s.path}：{s.reason}" for s in report.skipped)
                                                    or f"{corpus} 中没有 {SUPPORTED_NAMES} 文件"))
    progress("解析", len(sources), len(sources))
    if manifest and old_vectors is not None and not (report.added or report.changed or report.removed) \
            and reusable and len(kept) == len(old_docs):
        for stage in ("向量化", "写入索引"):
            progress(stage, 1, 1)
        return report  # nothing to do: the current build already matches the corpus
    vectors = _embed_missing(kept, embedder, report, progress)
    progress("写入索引", 0, 1)
    _publish(index_dir, kept, vectors, embedder)
    progress("写入索引", 1, 1)
    if old_db is not None:
        old_db.close()
    return report


def _reuse(db, vectors: np.ndarray | None, doc_id: str):
    """A document as stored in the previous build, with its vectors when they can be reused."""
    parsed = store.read_parsed(db, doc_id)
    rows = store.read_chunks(db, doc_id)
    chunks = [c for _, c in rows]
    if vectors is None:
        return parsed, document_chunks(parsed.clauses, parsed.tables), None
    return parsed, chunks, vectors[[r for r, _ in rows]]


def _embed_missing(kept, embedder: Embedder, report: BuildReport, progress: Progress) -> np.ndarray:
    todo = [c.embed_text for parsed, chunks, vecs in kept if vecs is None for c in chunks]
    progress("向量化", 0, len(todo))
    fresh = embedder.encode(todo, progress=lambda done, total: progress("向量化", done, total))
    report.chunks_embedded = len(todo)
    parts, offset = [], 0
    for _, chunks, vecs in kept:
        if vecs is None:
            vecs = fresh[offset: offset + len(chunks)]
            offset += len(chunks)
        parts.append(vecs)
    return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, embedder.dim), np.float32)


def _publish(index_dir: Path, kept, vectors: np.ndarray, embedder: Embedder) -> None:
    """Write a complete build next to the current one, then swap `current` to it."""
    import bm25s
    import faiss

    builds = index_dir / "builds"
    builds.mkdir(exist_ok=True)
    build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    tmp = builds / f".{build_id}.tmp"
    tmp.mkdir()
    chunks = [c for _, cs, _ in kept for c in cs]
    db = store.create(tmp / "kspolicy.sqlite")
    with db:
        for parsed, _, _ in kept:
            store.write_parsed(db, parsed)
        store.write_chunks(db, chunks)
    db.close()
    names = [n for parsed, _, _ in kept for forms in (*parsed.places.values(), *parsed.departments.values())
             for n in forms]
    (tmp / "userdict.txt").write_text("\n".join(userdict_lines(names)) + "\n", encoding="utf-8")
    index = faiss.IndexFlatIP(embedder.dim)
    if len(vectors):
        index.add(vectors)
    faiss.write_index(index, str(tmp / "vectors.faiss"))
    tokenizer = Tokenizer(tmp / "userdict.txt")
    retriever = bm25s.BM25()
    retriever.index([list(tokenizer.tokens(c.embed_text)) or ["∅"] for c in chunks], show_progress=False)
    retriever.save(str(tmp / "bm25"), show_progress=False)
    manifest = {
        "format_version": FORMAT_VERSION, "parser_version": PARSER_VERSION,
        "model": embedder.name, "dimension": embedder.dim, "chunks": len(chunks),
        "calibration": calibration(embedder.name),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "documents": {p.document.doc_id: {"sha256": p.document.sha256, "source": p.document.source,
                                          "title": p.document.title} for p, _, _ in kept},
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    _fsync_tree(tmp)
    final = builds / build_id
    os.rename(tmp, final)
    link = index_dir / f".current.{build_id}"
    os.symlink(os.path.relpath(final, index_dir), link)
    os.replace(link, index_dir / "current")
    if not (index_dir / "manifest.json").is_symlink():
        os.symlink("current/manifest.json", index_dir / ".manifest.link")
        os.replace(index_dir / ".manifest.link", index_dir / "manifest.json")
    _collect_garbage(index_dir, final)


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

