"""Budgets for reading one document, checked before the expensive work.

A document over any budget is skipped with a Chinese reason (an `IngestError`),
the build goes on. The parsing worker (worker.py) adds the memory and time
limits of the process itself. Settings come in explicitly as a `Limits`; the
faces (cli.py, app.py) make one from the environment with `Limits.from_env`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from ..models import Line

MB = 1024 * 1024
CHUNK = 1 << 20  # bytes read at a time from a zip member


class OverLimit(Exception):
    """A document over a budget; str(error) is the Chinese reason."""


@dataclass(frozen=True)
class Limits:
    """Every limit on hostile or accidental input, with defaults generous for real policy documents."""

    memory_mb: int = 1024  # address space of the parsing worker process
    seconds: float = 300.0  # wall time to parse one document
    file_mb: int = 100  # size of one file in the corpus
    pdf_pages: int = 500  # pages of one PDF
    zip_member_mb: int = 32  # uncompressed size of one DOCX member (word/document.xml, …)
    zip_total_mb: int = 256  # uncompressed size of all members of one DOCX
    text_chars: int = 2_000_000  # characters of text in one document
    line_chars: int = 100_000  # characters in one line (a paragraph)
    question_chars: int = 500  # a longer question is cut to this length, with a note

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Limits:
        """Limits with the KSPOLICY_* settings found in `env`; ValueError (Chinese) on a bad value."""
        values = {}
        for f in fields(cls):
            raw = env.get(ENV[f.name], "").strip()
            if not raw:
                continue
            try:
                value = float(raw) if f.type == "float" else int(raw)
            except ValueError:
                raise ValueError(f"环境变量 {ENV[f.name]} 应为正数，实际为“{raw}”") from None
            if value <= 0:
                raise ValueError(f"环境变量 {ENV[f.name]} 应为正数，实际为“{raw}”")
            values[f.name] = value
        return cls(**values)


ENV = {  # setting -> environment variable (read by cli.py and app.py only)
    "memory_mb": "KSPOLICY_PARSE_MEMORY_MB",
    "seconds": "KSPOLICY_PARSE_SECONDS",
    "file_mb": "KSPOLICY_MAX_FILE_MB",
    "pdf_pages": "KSPOLICY_MAX_PDF_PAGES",
    "zip_member_mb": "KSPOLICY_MAX_DOCX_PART_MB",
    "zip_total_mb": "KSPOLICY_MAX_DOCX_MB",
    "text_chars": "KSPOLICY_MAX_TEXT_CHARS",
    "line_chars": "KSPOLICY_MAX_LINE_CHARS",
    "question_chars": "KSPOLICY_MAX_QUESTION_CHARS",
}


def megabytes(n: int) -> str:
    return f"{n / MB:.1f} MB"


def check_size(path: Path, limits: Limits) -> int:
    """The file's size in bytes, or OverLimit when it is larger than `file_mb`."""
    size = path.stat().st_size
    if size > limits.file_mb * MB:
        raise OverLimit(f"文件过大（{megabytes(size)}），单个文件上限 {limits.file_mb} MB")
    return size


def check_text_bytes(size: int, limits: Limits) -> None:
    """A text file that cannot be within the character budget, judged from its size alone."""
    if size > 4 * limits.text_chars:  # no supported encoding uses more than 4 bytes a character
        raise OverLimit(f"文本过长（{megabytes(size)}），单个文件上限 {limits.text_chars:,} 字")


def check_zip(path: Path, limits: Limits) -> None:
    """A DOCX's members within budget: sizes from the zip directory, then counted while inflating.

    The directory may lie; zipfile stops at the declared size and checks the CRC,
    and the bytes are counted here as well, so nothing larger is ever inflated.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            for m in members:
                if m.file_size > limits.zip_member_mb * MB:
                    raise OverLimit(f"DOCX 解压后过大：{m.filename} 为 {megabytes(m.file_size)}，"
                                    f"单个部件上限 {limits.zip_member_mb} MB（疑似压缩炸弹）")
            if total > limits.zip_total_mb * MB:
                raise OverLimit(f"DOCX 解压后过大（共 {megabytes(total)}），上限 {limits.zip_total_mb} MB")
            for m in members:
                _count_member(archive, m, min(m.file_size, limits.zip_member_mb * MB))
    except OverLimit:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise OverLimit(f"DOCX 文件已损坏，无法解压（{type(exc).__name__}）") from None


def _count_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> None:
    read = 0
    with archive.open(member) as handle:
        while block := handle.read(CHUNK):
            read += len(block)
            if read > budget:
                raise OverLimit(f"DOCX 解压后过大：{member.filename} 超过目录中声明的大小（疑似压缩炸弹）")


def check_lines(lines: list[Line], limits: Limits) -> None:
    """Characters in the whole document and in each line."""
    total = 0
    for line in lines:
        size = len(line.text)
        if size > limits.line_chars:
            raise OverLimit(f"有一行过长（{size:,} 字，开头是“{line.text[:12]}…”），单行上限 {limits.line_chars:,} 字")
        total += size
        if total > limits.text_chars:
            raise OverLimit(f"文本过长（超过 {limits.text_chars:,} 字），单个文件上限 {limits.text_chars:,} 字")


def cut_question(question: str, limits: Limits) -> tuple[str, str]:
    """(question within `question_chars`, a Chinese note when it was cut, else '')."""
    if len(question) <= limits.question_chars:
        return question, ""
    return question[: limits.question_chars], f"问题超过 {limits.question_chars} 字，只使用前 {limits.question_chars} 字"
