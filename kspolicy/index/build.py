"""Build the index: incremental by content hash, in segments, published atomically.

Layout of an index folder:

    index/current -> builds/<id>     symlink, swapped atomically (os.replace)
    index/manifest.json -> current/manifest.json
    index/checked.json               sha256 of index files already verified (a cache, verify.py)
    index/builds/<id>/manifest.json  format version, model, dimension, documents (each with its
                                     segment), segments, size and sha256 of every other file
    index/builds/<id>/kspolicy.sqlite, vectors.faiss, bm25/, grams/   the first segment (segment.py)
    index/builds/<id>/segments/<name>/…                               the others
    index/builds/<id>/userdict.txt   jieba user dictionary learnt from the documents
    index/builds/<id>/names.json     how many documents use each name of the dictionary

A build costs what changed: unchanged files are recognised by their stat (else their
sha256) and cost nothing; new and changed documents are parsed into one new segment
(more above MAX_SEGMENT chunks); a removed or replaced document is dropped from the
manifest (its rows stay in their segment until a merge, merge.py). Kept segments are hard
links, so a reader never sees a half-written index and a killed build leaves the last one
serving. The previous build is verified first: a damaged database means re-parsing,
damaged vectors re-embedding, other damaged files a rewrite (stored rows copied).
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import PARSER_VERSION

from . import store, verify
from .chunk import document_chunks
from .corpus import SYMLINK, CorpusProblem, Source, scan_corpus
from .embed import Embedder, calibration
from .layout import open_segments, segment_folders
from .local import LocalWriter
from .milvus import BuildTarget, Store, StoreProblem, collection_missing, recorded_store
from .merge import MAX_SEGMENT, State, merge, plan
from .publish import FAILURES, NewBuild, WriteFailed  # noqa: F401 - WriteFailed re-exported for the faces
from .segment import VECTORS, SegmentSet, SegmentWriter, segment_path
from .tokens import Tokenizer
from ..read.ingest import SUPPORTED_NAMES
from ..read.limits import Limits
from ..read.worker import JobFailed, Worker
from ..models import BuildReport, Skipped
from ..understand.aliases import userdict_lines
from ..understand.parse import Parsed, parse_file

FORMAT_VERSION = 4


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


@dataclass
class Previous:
    """The current build, as far as it can be reused; `note` says what was found damaged.

    keep: "segments" (reuse them as they are), "rows" (copy every document's stored rows into
    a new segment: a repair or another model), "" (parse everything)."""

    manifest: dict | None = None
    folder: Path | None = None
    _opened: SegmentSet | None = None  # opened when a build writes (a no-op build opens nothing)
    keep: str = ""
    vectors: bool = True  # with "rows": the stored vectors are still good
    note: str = ""
    rewrite: bool = False  # write a new build even if no document changed (a repair)

    @property
    def opened(self) -> SegmentSet:
        if self._opened is None:
            self._opened = open_segments(self.folder, self.manifest)
        return self._opened

    def close(self) -> None:
        if self._opened is not None:
            self._opened.close()


REPAIR = {"parse": "全部文件重新处理", "embed": "全部片段重新向量化", "write": "已重新写出索引"}


def build(corpus: Path, index_dir: Path, embedder: Embedder, progress: Progress = no_progress,
          limits: Limits = Limits(), store: Store | None = None) -> BuildReport:
    """Bring the index in line with the corpus; returns what changed and what was skipped.

    `store`: where chunks and vectors are searched (milvus.Store); None keeps the one the current
    build records. Another store than recorded means a full rewrite into the new store.

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
        checked = verify.Checked(index_dir)
        previous = _previous(index_dir, embedder.name, checked)
        store = store or recorded_store(previous.manifest)
        try:
            previous = _for_store(previous, store)
            with Worker(limits) as worker:
                report = Run(corpus, index_dir, embedder, progress, worker, previous, checked, store).run()
        except StoreProblem as exc:
            raise IndexProblem(str(exc)) from None
        finally:
            previous.close()
        checked.save()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _previous(index_dir: Path, model: str, checked: verify.Checked) -> Previous:
    """Verify the current build (sizes, and sha256 of files not verified before) and open it."""
    if not (index_dir / "manifest.json").exists():
        return Previous()
    manifest = read_manifest(index_dir)
    if manifest is None:
        return Previous(note="索引的 manifest.json 已损坏，全部文件重新处理")
    if manifest.get("format_version") != FORMAT_VERSION or manifest.get("parser_version") != PARSER_VERSION:
        return Previous(note="索引由旧版程序构建，全部文件重新处理")
    folder = resolve(index_dir)
    bad = verify.damaged(folder, manifest, checked=checked)
    need = verify.needs(bad or [])
    note = f"发现索引文件损坏或缺失（{verify.describe(bad)}），{REPAIR[need]}" if bad else \
        "索引没有文件校验记录（旧版程序构建），已重新写出" if bad is None else ""
    if need == "parse":
        return Previous(note=note)
    model_ok = need != "embed" and manifest.get("model") == model
    if model_ok and not need and bad is not None:
        return Previous(manifest, folder, None, "segments", True, note, False)
    try:  # a rewrite reads every document's rows (and vectors, if they are good): open them now
        opened = open_segments(folder, manifest, (VECTORS,) if model_ok else ())
    except (sqlite3.Error, RuntimeError, OSError, ValueError, KeyError):  # damaged although the checksums match
        return Previous(note="索引已损坏，全部文件重新处理")
    if not model_ok:
        note = note or "索引由其他模型构建，全部片段重新向量化"
        return Previous(manifest, folder, opened, "rows", False, note, True)
    return Previous(manifest, folder, opened, "rows", True, note, True)


def _for_store(previous: Previous, store: Store) -> Previous:
    """A build moving to another store copies every document's rows (vectors kept) into it."""
    if previous.keep != "segments":
        return previous
    if recorded_store(previous.manifest) == store:
        if not collection_missing(store, previous.manifest):
            return previous
        note = f"{store.describe()}中没有索引的集合，全部片段重新写入"
    else:
        note = f"存储位置改为{store.describe()}，全部片段写入新的存储"
    try:
        opened = open_segments(previous.folder, previous.manifest, (VECTORS,))
    except (sqlite3.Error, RuntimeError, OSError, ValueError, KeyError):
        return Previous(note="索引已损坏，全部文件重新处理")
    return Previous(previous.manifest, previous.folder, opened, "rows", True, note, True)


class Pending:
    """The new segments of a build, started as documents arrive (a new one every MAX_SEGMENT chunks)."""

    def __init__(self, index_dir: Path, first_name: int):
        self.index_dir = index_dir
        self.next_name = first_name
        self.new: NewBuild | None = None
        self.writers: list[SegmentWriter] = []

    def start(self) -> NewBuild:
        if self.new is None:
            self.new = NewBuild(self.index_dir).__enter__()
        return self.new

    def name(self) -> str:
        self.next_name += 1
        return f"{self.next_name:06d}"

    def add(self, parsed: Parsed, chunks: list, given=None) -> tuple[str, int, int]:
        new = self.start()
        if not self.writers or self.writers[-1].rows >= MAX_SEGMENT:
            name = self.name()
            self.writers.append(SegmentWriter(new.tmp / "segments" / name, name))
        first, count = self.writers[-1].add(parsed, chunks, given)
        return self.writers[-1].name, first, count


@dataclass
class Run:
    corpus: Path
    index_dir: Path
    embedder: Embedder
    progress: Progress
    worker: Worker
    previous: Previous
    checked: verify.Checked
    store: Store = field(default_factory=Store)
    report: BuildReport = field(default_factory=BuildReport)
    entries: dict[str, dict] = field(default_factory=dict)  # doc_id -> manifest entry of the new build
    names: Counter = field(default_factory=Counter)  # names of the documents added or copied by this build

    def run(self) -> BuildReport:
        previous, report = self.previous, self.report
        old_docs = (previous.manifest or {}).get("documents", {}) if previous.keep else {}
        known = {e["source"]: (e.get("stat", ""), e["sha256"]) for e in old_docs.values()}
        known.update(self.checked.sources)
        try:
            sources, report.skipped = scan_corpus(self.corpus, known)
        except CorpusProblem as exc:
            raise IndexProblem(str(exc)) from None
        self.checked.sources = {s.rel: (s.stat, s.sha256) for s in sources}
        report.note = previous.note
        pending = Pending(self.index_dir, int((previous.manifest or {}).get("next_segment", 0)))
        self.target: BuildTarget | None = None
        try:
            self._documents(sources, old_docs, pending)
            report.removed = sorted(d for d in old_docs if d not in self.entries)
            if not self.entries:
                raise IndexProblem("没有可以建立索引的文件：" + ("；".join(f"{s.path}：{s.reason}" for s in report.skipped)
                                                            or f"{self.corpus} 中没有 {SUPPORTED_NAMES} 文件"))
            self.progress("解析", len(sources), len(sources))
            if previous.keep == "segments" and not (report.added or report.changed or report.removed) \
                    and not previous.rewrite:
                for stage in ("向量化", "写入索引"):
                    self.progress(stage, 1, 1)
                return report  # nothing to do: the current build already matches the corpus
            self._write(pending.start(), pending)
        except FAILURES as exc:
            if pending.new is None:
                raise
            raise pending.new.failed(exc) from None
        finally:
            for writer in pending.writers:
                writer.abort()
            if pending.new is not None and not pending.new.published:
                pending.new.remove()
                if self.target is not None:
                    self.target.abort()
        return report

    def _documents(self, sources: list[Source], old_docs: dict, pending: Pending) -> None:
        """Decide for every file: unchanged (kept as it is, or its rows copied), parsed anew, or skipped."""
        report = self.report
        # When two files are the same document, the one already indexed (else the older file) stays.
        sources.sort(key=lambda s: (s.doc_id not in old_docs, s.mtime_ns, s.rel))
        seen_sha: dict[str, str] = {}
        seen_number: dict[tuple[str, str], str] = {}
        for n, source in enumerate(sources):
            self.progress("解析", n, len(sources))
            rel = source.rel
            if source.sha256 in seen_sha:
                report.skipped.append(Skipped(rel, f"重复文件：与 {seen_sha[source.sha256]} 内容完全相同，已跳过"))
                continue
            old = old_docs.get(source.doc_id)
            parsed, chunks = None, None
            if old and old["sha256"] == source.sha256:
                key, bucket = (old.get("doc_number", ""), old["title"]), report.unchanged
            else:
                try:
                    if source.path.is_symlink():  # replaced by a link since the scan
                        raise JobFailed(SYMLINK)
                    parsed = self.worker.run(parse_file, source.path, source.doc_id, source.sha256,
                                             self.worker.limits)
                except JobFailed as exc:  # one broken or hostile file must not stop the build
                    if old:  # keep serving the last good version
                        report.skipped.append(Skipped(rel, f"{exc}；已保留上次索引的版本"))
                        self._keep(source.doc_id, old, pending)
                        seen_sha[source.sha256] = rel
                    else:
                        report.skipped.append(Skipped(rel, str(exc)))
                    continue
                parsed = replace(parsed, document=replace(parsed.document, source=rel))
                chunks = document_chunks(parsed.clauses, parsed.tables)
                if not chunks:
                    report.skipped.append(Skipped(rel, "没有可检索的正文（只有标题或空白）"))
                    continue
                key = (parsed.document.doc_number, parsed.document.title)
                bucket = report.changed if old else report.added
            if key[0] and key in seen_number:
                report.skipped.append(Skipped(rel, f"重复文件：与 {seen_number[key]} 是同一文件（{key[0]}），已跳过"))
                continue
            seen_sha[source.sha256] = rel
            seen_number[key] = rel
            bucket.append(source.doc_id)
            if parsed is None:
                self._keep(source.doc_id, {**old, "source": rel, "stat": source.stat}, pending)
            else:
                self._add(parsed, chunks, pending, {"stat": source.stat})

    def _add(self, parsed: Parsed, chunks: list, pending: Pending, extra: dict, given=None) -> None:
        segment, first, count = pending.add(parsed, chunks, given)
        d = parsed.document
        self.entries[d.doc_id] = {"sha256": d.sha256, "source": d.source, "title": d.title,
                                  "doc_number": d.doc_number, "segment": segment, "chunks": count, **extra}
        self.names.update(n for forms in (*parsed.places.values(), *parsed.departments.values()) for n in forms)

    def _keep(self, doc_id: str, entry: dict, pending: Pending) -> None:
        """An unchanged document: left in its segment, or (rewriting) its stored rows copied."""
        if self.previous.keep == "segments":
            self.entries[doc_id] = entry
            return
        position, segment = self._segment_of(entry)
        parsed = store.read_parsed(segment.db, doc_id)
        chunks = [c for _, c in store.read_chunks(segment.db, doc_id)]
        first, count = segment.spans[doc_id]
        given = segment.vectors.read(range(first, first + count)) if self.previous.vectors else None
        self._add(parsed, chunks, pending, {"stat": entry.get("stat", "")}, given)

    def _segment_of(self, entry: dict):
        opened = self.previous.opened
        position = next(i for i, s in enumerate(opened.segments) if s.name == entry["segment"])
        return position, opened.segments[position]

    def _write(self, new: NewBuild, pending: Pending) -> None:
        """Finish the new segments, merge what the policy says, place every segment, publish."""
        previous, embedder = self.previous, self.embedder
        kept = [s for s in (previous.opened.segments if previous.keep == "segments" else [])]
        names = self._names(kept)
        (new.tmp / "names.json").write_text(json.dumps(dict(sorted(names.items())), ensure_ascii=False),
                                           encoding="utf-8")
        (new.tmp / "userdict.txt").write_text("\n".join(userdict_lines(names)) + "\n", encoding="utf-8")
        tokenizer = Tokenizer(new.tmp / "userdict.txt") if pending.writers else None  # loading jieba costs ~1 s
        total = sum(w.to_embed for w in pending.writers)
        done = 0
        self.progress("向量化", 0, total)

        def embed(texts: list[str]):
            nonlocal done
            vectors = embedder.encode(texts, progress=lambda d, _: self.progress("向量化", done + d, total))
            done += len(texts)
            return vectors

        segments = [{"name": s.name, "chunks": s.rows, "vectors": _kind(previous.manifest, s.name)} for s in kept]
        gone = set((previous.manifest or {}).get("documents", {})) - {d for d, e in self.entries.items()
                                                                       if e["segment"] in {s.name for s in kept}}
        if not self.store.local:
            self.target = BuildTarget(self.store, previous.manifest, previous.keep == "segments", new.build_id,
                                      embedder.dim)
        for writer in pending.writers:
            retrieval = LocalWriter(writer.folder, embedder.dim)
            if self.target is not None:
                retrieval = self.target.writer(retrieval, self.entries)
            retrieval.delete(gone)
            segments.append(writer.finish(tokenizer.tokens, embed, retrieval))
        self.report.chunks_embedded = total
        self.progress("写入索引", 0, 1)
        segments = self._merge(new, pending, kept, segments)
        manifest = {"format_version": FORMAT_VERSION, "parser_version": PARSER_VERSION, "model": embedder.name,
                    "dimension": embedder.dim, "chunks": sum(e["chunks"] for e in self.entries.values()),
                    "calibration": calibration(embedder.name), "next_segment": pending.next_name,
                    "documents": dict(sorted(self.entries.items())), "segments": segments}
        if self.target is not None:
            manifest["store"] = self.target.manifest()
        new.publish(manifest, self._place(new, segments), self.checked)
        if self.target is not None:
            touched = {*self.report.added, *self.report.changed, *self.report.removed}
            note = self.target.published(self.entries, touched)
            self.report.note = "；".join(n for n in (self.report.note, note) if n)
        self.progress("写入索引", 1, 1)

    def _names(self, kept: list) -> Counter:
        """Names of the live documents: the previous build's, less those of documents that left
        the kept segments, plus those of the documents this build wrote."""
        names = Counter(self.names)
        if not kept:
            return names
        try:
            names.update(json.loads((self.previous.folder / "names.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            names = Counter(self.names)
            for segment in kept:
                names.update(self._segment_names(segment, self.previous.opened.live[self._position(segment)]))
            return +names
        for segment in kept:
            live = {d for d, e in self.entries.items() if e.get("segment") == segment.name}
            gone = self.previous.opened.live[self._position(segment)] - live
            names.subtract(self._segment_names(segment, gone))
        return +names

    def _position(self, segment) -> int:
        return self.previous.opened.segments.index(segment)

    @staticmethod
    def _segment_names(segment, doc_ids: set[str]) -> Counter:
        found: Counter = Counter()
        for doc_id, places, departments in segment.db.execute("SELECT doc_id, places, departments FROM documents"):
            if doc_id in doc_ids:
                found.update(n for table in (json.loads(places), json.loads(departments))
                             for forms in table.values() for n in forms)
        return found

    def _merge(self, new: NewBuild, pending: Pending, kept: list, segments: list[dict]) -> list[dict]:
        """Merge the groups the policy (merge.plan) names; drop segments without live documents."""
        live: dict[str, set[str]] = {}
        for doc_id, entry in self.entries.items():
            live.setdefault(entry["segment"], set()).add(doc_id)
        chunks = Counter()
        for entry in self.entries.values():
            chunks[entry["segment"]] += entry["chunks"]
        states = [State(s["name"], s["chunks"], chunks[s["name"]]) for s in segments]
        groups = plan(states)
        if not groups:
            return [s for s in segments if chunks[s["name"]]]
        from .segment import Segment

        where = {s.name: s.folder for s in kept}
        where.update({w.name: w.folder for w in pending.writers})
        out = [s for s in segments if chunks[s["name"]]]
        for group in groups:
            opened = [Segment.open(where[name], name) for name in group]
            try:
                name = pending.name()
                entry = {"name": name, **merge(new.tmp / "segments" / name, opened,
                                               [live.get(n, set()) for n in group], self.embedder.dim)}
            finally:
                for segment in opened:
                    segment.close()
            for doc_id in set().union(*(live.get(n, set()) for n in group)):
                self.entries[doc_id] = {**self.entries[doc_id], "segment": name}
            position = min(i for i, s in enumerate(out) if s["name"] in group)
            out = [s for s in out[:position] if s["name"] not in group] + [entry] + \
                  [s for s in out[position:] if s["name"] not in group]
            where[name] = new.tmp / "segments" / name
            for old in group:  # a merged new segment is not needed any more
                if where[old].is_relative_to(new.tmp):
                    _remove_tree(where[old])
        return out

    def _place(self, new: NewBuild, segments: list[dict]) -> dict[str, dict]:
        """Put each segment at its place in the new build; returns the carried-over file records."""
        previous = self.previous
        old_paths = dict(segment_folders(previous.folder, previous.manifest)) if previous.keep == "segments" else {}
        old_records = (previous.manifest or {}).get("files", {})
        known: dict[str, dict] = {}
        for position, entry in enumerate(segments):
            target = segment_path(new.tmp, position, entry["name"])
            source = new.tmp / "segments" / entry["name"]
            if source.exists():
                if source != target:
                    new.place(source, target, link=False)
                    _remove_tree(source)
                continue
            for old, placed in new.place(old_paths[entry["name"]], target, link=True):
                record = old_records.get(old.relative_to(previous.folder).as_posix())
                if record:
                    known[placed.relative_to(new.tmp).as_posix()] = record
        if (new.tmp / "segments").exists() and not any((new.tmp / "segments").iterdir()):
            (new.tmp / "segments").rmdir()
        return known


def _kind(manifest: dict | None, name: str) -> str:
    return next((s.get("vectors", "flat") for s in (manifest or {}).get("segments", []) if s["name"] == name), "flat")


def _remove_tree(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
