"""Write a new build next to the current one, then point `current` at it.

A build is written in `builds/.<id>.tmp`: its new segments are written there, the
segments it keeps are hard links to the previous build's files (a link costs the same
whatever the file's size; the files never change, so both builds stay valid). Every
file of the build is recorded in its manifest with size and sha256 (verify.py; a kept
file's record is carried over, not hashed again). When everything is on disk the folder
is renamed to `builds/<id>` and `current` swapped to it in one rename.

A write that fails (disk full, no permission; OSError from Python, sqlite3.Error from
SQLite, RuntimeError from the FAISS writer) removes the half-written folder and raises
`WriteFailed`; the current build keeps serving.
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

from . import verify

KEEP_BUILDS = 2
BUILD_FILES = ("manifest.json", "userdict.txt", "names.json")  # a build's own files, beside its first segment
FAILURES = (OSError, sqlite3.Error, RuntimeError, MemoryError)


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


class NewBuild:
    """A build folder being written; removed (and the failure said in one line) unless published."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self.build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        self.tmp = index_dir / "builds" / f".{self.build_id}.tmp"
        self.final = index_dir / "builds" / self.build_id
        self.published = False
        self.opened = False

    def __enter__(self) -> "NewBuild":
        if not self.opened:
            try:
                self.tmp.mkdir(parents=True)
            except FAILURES as exc:
                raise self.failed(exc) from None
            self.opened = True
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if not self.published:
            self.remove()
            if isinstance(exc, FAILURES):
                raise self.failed(exc) from None
        return False

    def failed(self, exc: BaseException) -> WriteFailed:
        return WriteFailed(f"写入索引失败（{why(exc)}），原索引未改变，仍可使用：{self.index_dir}")

    def remove(self) -> None:
        for leftover in (self.tmp, self.final):
            shutil.rmtree(leftover, ignore_errors=True)
        (self.index_dir / f".current.{self.build_id}").unlink(missing_ok=True)

    def place(self, source: Path, target: Path, link: bool) -> list[tuple[Path, Path]]:
        """Put a segment's files at `target`: hard links to a previous build's, or moved from the new
        build; returns (source, target) of each file."""
        placed = []
        for path in sorted(p for p in source.rglob("*") if p.is_file() and "segments" not in
                           p.relative_to(source).parts and p.relative_to(source).as_posix() not in BUILD_FILES):
            dest = target / path.relative_to(source)
            placed.append((path, dest))
            dest.parent.mkdir(parents=True, exist_ok=True)
            if link:
                try:
                    os.link(path, dest)
                except OSError as exc:
                    if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                        raise
                    shutil.copy2(path, dest)  # a file system without hard links
            else:
                os.rename(path, dest)
        return placed

    def publish(self, manifest: dict, known_files: dict[str, dict], checked: verify.Checked | None = None) -> None:
        """Record every file, make the build durable, rename it into place and make it current."""
        manifest["built_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        manifest["files"] = verify.file_records(self.tmp, known_files)
        if checked is not None:  # what was just hashed need not be read again by the next build
            for rel, record in manifest["files"].items():
                if rel not in known_files:
                    checked.seen[checked.key(os.stat(self.tmp / rel))] = record["sha256"]
        (self.tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        _fsync_tree(self.tmp, set(known_files))
        os.rename(self.tmp, self.final)
        link = self.index_dir / f".current.{self.build_id}"
        os.symlink(os.path.relpath(self.final, self.index_dir), link)
        os.replace(link, self.index_dir / "current")
        self.published = True
        try:
            if not (self.index_dir / "manifest.json").is_symlink():
                os.symlink("current/manifest.json", self.index_dir / ".manifest.link")
                os.replace(self.index_dir / ".manifest.link", self.index_dir / "manifest.json")
        except OSError as exc:
            raise WriteFailed(f"写入索引失败（{why(exc)}）：{self.index_dir / 'manifest.json'}") from None
        _collect_garbage(self.index_dir, self.final)


def _fsync_tree(folder: Path, skip: set[str]) -> None:
    """fsync every new file (linked files are durable already) and every folder."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.relative_to(folder).as_posix() not in skip:
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


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
