"""Build the index: incremental by content hash, published atomically.

Layout of an index folder:

    index/current -> builds/<id>     symlink, swapped atomically (os.replace)
    index/manifest.json -> current/manifest.json
    index/builds/<id>/manifest.json  format version, model, dimension, documents, build time,
                                     size and sha256 of every other file (verify.py)
    index/builds/<id>/kspolicy.sqlite
    index/builds/<id>/vectors.faiss  inner product over L2-normalised vectors
    index/builds/<id>/bm25/          bm25s arrays (npy + json, no pickle)
    index/builds/<id>/userdict.txt   jieba user dictionary learnt from the documents

A build writes a new folder and only then points `current` at it, so a reader
never sees a half-written index and a killed build leaves the last one serving.
Unchanged documents are copied from the previous build: not re-parsed, not
re-embedded. The previous build is verified first: a damaged database means
re-parsing, damaged vectors re-embedding, other damaged files a rewrite.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .. import PARSER_VERSION

from . import store, verify
from .chunk import document_chunks
from .corpus import SYMLINK, CorpusProblem, scan_corpus
from .embed import Embedder
from .publish import WriteFailed, publish  # noqa: F401 - WriteFailed re-exported for the faces
from ..read.ingest import SUPPORTED_NAMES
from ..read.limits import Limits
from ..read.worker import JobFailed, Worker
from ..models import BuildReport, Chunk, Skipped
from ..understand.parse import Parsed, parse_file

FORMAT_VERSION = 3


class IndexProblem(Exception):
    """A user-facing index problem; str(error) is Chinese."""


def resolve(index_dir: Path) -> Path:
    """The folder of the build currently served."""
    if (index_dir / "manifest.json").exists():
        return (index_dir / "manifest.json").resolve().parent
    raise IndexProblem(f"没有找到索引（{index_dir}）。请先运行：python -m kspolicy build --index {index_dir}")


def read_manifest(index_dir: Path) -> dict | None:
    """The current build's manifest, or None when there is none or it is not a manifest."""
    try:
        manifest = json.loads((resolve(index_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (IndexProblem, OSError, ValueError):
        return None
    documents = manifest.get("documents") if isinstance(manifest, dict) else None
    if not isinstance(documents, dict) or not all(isinstance(d, dict) and isinstance(d.get("sha256"), str)
                                                  for d in documents.values()):
        return None
    return manifest


Progress = Callable[[str, int, int], None]  # (stage, done, total); stages 解析, 向量化, 写入索引


def no_progress(stage: str, done: int, total: int) -> None:
    return None


def build(corpus: Path, index_dir: Path, embedder: Embedder, progress: Progress = no_progress,
          limits: Limits = Limits()) -> BuildReport:
    """Bring the index in line with the corpus; returns what changed and what was skipped.

    Documents are parsed in a bounded worker process (read/worker.py) under `limits`;
    the current build is verified first and what is missing or damaged is rebuilt.
    Raises IndexProblem (user error) or WriteFailed (disk full: the old build serves on).
    """
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise IndexProblem("另一个构建正在进行，请稍后再试") from None
        previous = _previous(index_dir, embedder.name)
        try:
            with Worker(limits) as worker:
                report = _build_locked(corpus, index_dir, embedder, progress, worker, previous)
        finally:
            if previous.db is not None:
                previous.db.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


@dataclass(frozen=True)
class Previous:
    """The current build, as far as it can be reused; `note` says what was found damaged."""

    manifest: dict | None = None
    db: sqlite3.Connection | None = None
    vectors: np.ndarray | None = None
    note: str = ""
    rewrite: bool = False  # write a new build even if no document changed (a repair)


REPAIR = {"parse": "全部文件重新处理", "embed": "全部片段重新向量化", "write": "已重新写出索引"}


def _previous(index_dir: Path, model: str) -> Previous:
    """Verify the current build (sizes and sha256 of its files) and open what can be reused."""
    import faiss

    if not (index_dir / "manifest.json").exists():
        return Previous()
    manifest = read_manifest(index_dir)
    if manifest is None:
        return Previous(note="索引的 manifest.json 已损坏，全部文件重新处理")
    folder = resolve(index_dir)
    bad = verify.damaged(folder, manifest)
    need = verify.needs(bad or [])
    unrecorded = bad is None and manifest.get("parser_version") == PARSER_VERSION  # else: re-parsed anyway
    note = f"发现索引文件损坏或缺失（{verify.describe(bad)}），{REPAIR[need]}" if bad else \
        "索引没有文件校验记录（旧版程序构建），已重新写出" if unrecorded else ""
    if need == "parse":
        return Previous(note=note)
    try:
        db = store.open_readonly(folder / verify.DATABASE)
        db.execute("SELECT count(*) FROM documents").fetchone()
        vectors = None
        if need != "embed" and manifest.get("model") == model and manifest.get("format_version") == FORMAT_VERSION:
            index = faiss.read_index(str(folder / verify.VECTORS))
            vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), "float32")
    except (sqlite3.Error, RuntimeError, OSError):  # damaged although the checksums match: start afresh
        return Previous(note="索引已损坏，全部文件重新处理")
    return Previous(manifest, db, vectors, note, rewrite=bad is None or bool(need))


def _build_locked(corpus: Path, index_dir: Path, embedder: Embedder, progress: Progress,
                  worker: Worker, previous: Previous) -> BuildReport:
    report = BuildReport()
    try:
        sources, report.skipped = scan_corpus(corpus)
    except CorpusProblem as exc:
        raise IndexProblem(str(exc)) from None
    manifest, old_db, old_vectors = previous.manifest, previous.db, previous.vectors
    old_docs = (manifest or {}).get("documents", {})
    parsed_ok = old_db is not None and (manifest or {}).get("parser_version") == PARSER_VERSION
    notes = [previous.note] if previous.note else []
    if manifest and not parsed_ok:
        notes.append("索引由旧版程序构建，全部文件重新处理")
    elif manifest and old_vectors is None and not previous.note:
        notes.append("索引由其他模型构建，全部片段重新向量化")
    report.note = "；".join(notes)
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
        if parsed_ok and old and old["sha256"] == source.sha256:
            item, bucket = _reuse(old_db, old_vectors, source.doc_id, rel), report.unchanged
        else:
            try:
                if source.path.is_symlink():  # replaced by a link since the scan
                    raise JobFailed(SYMLINK)
                parsed = worker.run(parse_file, source.path, source.doc_id, source.sha256, worker.limits)
            except JobFailed as exc:  # one broken or hostile file must not stop the build
                if old and old_db is not None:  # keep serving the last good version
                    report.skipped.append(Skipped(rel, f"{exc}；已保留上次索引的版本"))
                    kept.append(_reuse(old_db, old_vectors, source.doc_id, rel))
                    seen_sha[source.sha256] = rel
                else:
                    report.skipped.append(Skipped(rel, str(exc)))
                continue
            parsed = replace(parsed, document=replace(parsed.document, source=rel))
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
    if parsed_ok and old_vectors is not None and not (report.added or report.changed or report.removed) \
            and len(kept) == len(old_docs) and not previous.rewrite:
        for stage in ("向量化", "写入索引"):
            progress(stage, 1, 1)
        return report  # nothing to do: the current build already matches the corpus
    vectors = _embed_missing(kept, embedder, report, progress)
    progress("写入索引", 0, 1)
    publish(index_dir, kept, vectors, embedder, {"format_version": FORMAT_VERSION, "parser_version": PARSER_VERSION})
    progress("写入索引", 1, 1)
    return report


def _reuse(db, vectors: np.ndarray | None, doc_id: str, rel: str):
    """A document as stored in the previous build, with its vectors when they can be reused."""
    parsed = store.read_parsed(db, doc_id)
    parsed = replace(parsed, document=replace(parsed.document, source=rel))  # older builds: absolute
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


