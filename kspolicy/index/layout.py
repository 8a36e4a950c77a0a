"""How a build's manifest describes its segments, and opening them.

    "segments": [{"name": "000001", "chunks": 1576, "vectors": "flat"}, …]   oldest first
    "documents": {doc_id: {"sha256", "source", "title", "doc_number", "segment", "rows",
                           "size", "mtime_ns"}, …}

A document is live in the segment its entry names; a segment's other documents were
removed or replaced (tombstones, dropped when the segment is merged).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .segment import BM25, GRAMS, VECTORS, Segment, SegmentSet, segment_path


def segments_of(manifest: dict) -> list[dict]:
    return list(manifest.get("segments") or [])


def live_documents(manifest: dict) -> dict[str, set[str]]:
    """Segment name -> its live document ids."""
    out: dict[str, set[str]] = defaultdict(set)
    for doc_id, entry in manifest.get("documents", {}).items():
        out[entry.get("segment", "")].add(doc_id)
    return out


def segment_folders(folder: Path, manifest: dict) -> list[tuple[str, Path]]:
    return [(s["name"], segment_path(folder, i, s["name"])) for i, s in enumerate(segments_of(manifest))]


def open_segments(folder: Path, manifest: dict, parts: tuple[str, ...] = (VECTORS, BM25, GRAMS)) -> SegmentSet:
    """Open every segment of a build (read-only, memory-mapped; `parts`: which files besides the database)."""
    live = live_documents(manifest)
    opened: list[Segment] = []
    try:
        for name, path in segment_folders(folder, manifest):
            opened.append(Segment.open(path, name, parts))
    except BaseException:
        for segment in opened:
            segment.close()
        raise
    return SegmentSet(opened, [live.get(s.name, set()) for s in opened])
