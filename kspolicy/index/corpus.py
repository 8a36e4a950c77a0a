"""The files of a corpus folder: what is indexed, what is reported, what is ignored."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..models import Skipped
from ..read.ingest import SUPPORTED, sha256_of, unsupported


class CorpusProblem(Exception):
    """The corpus folder cannot be read; str(error) is Chinese."""


@dataclass(frozen=True)
class Source:
    path: Path
    doc_id: str
    sha256: str
    stat: str = ""  # inode:size:mtime:ctime when hashed: an unchanged stat means unchanged content
    mtime_ns: int = 0
    rel: str = ""  # path relative to the corpus, with "/"


def stat_key(info: os.stat_result) -> str:
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


SYMLINK = "符号链接，未收录：语料目录只收录普通文件（链接可能指向语料目录之外），请把文件本身复制进来"


def scan_corpus(corpus: Path, known: dict[str, tuple[str, str]] | None = None) -> tuple[list[Source], list[Skipped]]:
    """Supported files under `corpus` with ids; other files are reported, hidden ones ignored.

    Symbolic links are never followed, whether they point inside the corpus or out of
    it (`ln -s /etc/passwd corpus/a.txt`): each is reported as skipped. `known` maps a
    relative path to (stat, sha256) from the last build: a file whose inode, size,
    modification and change times are the same is not read again.
    """
    known = known or {}
    if not corpus.is_dir():
        raise CorpusProblem(f"语料目录不存在或不可读：{corpus}")
    root = str(corpus)
    found: list[tuple[list[str], str, bool, os.stat_result | None]] = []  # (rel parts, rel, is a link, stat)
    for folder, dirs, files in os.walk(root, followlinks=False):
        prefix = os.path.relpath(folder, root)
        prefix = "" if prefix == "." else prefix.replace(os.sep, "/") + "/"
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        links = {d for d in dirs if os.path.islink(os.path.join(folder, d))}
        found += [((prefix + d).split("/"), prefix + d, True, None) for d in links]
        dirs[:] = [d for d in dirs if d not in links]
        for name in files:
            if name.startswith("."):
                continue
            try:
                info = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            if stat.S_ISLNK(info.st_mode) or stat.S_ISREG(info.st_mode):  # not FIFOs or devices: reading blocks
                found.append(((prefix + name).split("/"), prefix + name, stat.S_ISLNK(info.st_mode), info))
    sources, skipped, ids = [], [], set()
    for _, rel, link, info in sorted(found, key=lambda item: item[0]):
        if link:
            skipped.append(Skipped(rel, SYMLINK))
            continue
        stem, suffix = os.path.splitext(rel)
        if suffix.lower() not in SUPPORTED:
            skipped.append(Skipped(rel, unsupported(suffix)))
            continue
        doc_id = stem if stem not in ids else rel
        ids.add(doc_id)
        key = stat_key(info)
        seen = known.get(rel)
        path = corpus / rel
        try:
            sources.append(Source(path, doc_id, seen[1] if seen and seen[0] == key else sha256_of(path), key,
                                  info.st_mtime_ns, rel))
        except OSError as exc:
            skipped.append(Skipped(rel, f"无法读取文件（{exc.strerror}）"))
    return sources, skipped
