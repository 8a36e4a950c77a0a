"""Save an uploaded file into the corpus folder, safely.

The name must be a plain file name (no folder parts, not hidden), the size is
limited, and the type is checked twice: by extension and by content (a PDF
starts with %PDF-, a DOCX is a zip holding word/document.xml, a DOC/WPS is an
OLE compound file, TXT/MD decode as UTF-8 or GB18030, HTML decodes as text and
has HTML tags). The file is written to a hidden staging folder inside the
corpus and then renamed into place, so a build never sees half a file and
nothing is ever written outside the corpus. Every refusal is an `UploadError`
with a Chinese message for the user.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..read.html import decode_html
from ..read.ingest import SUPPORTED, SUPPORTED_NAMES, IngestError, decode_text
from ..read.office import OLE_MAGIC

MAX_BYTES = 20 * 1024 * 1024
MAX_NAME = 120  # characters, before the extension
STAGING = ".uploads"  # hidden: scan_corpus ignores it; git-ignored
UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


class UploadError(Exception):
    """An upload that is refused; str(error) is the Chinese reason shown to the user."""


@dataclass(frozen=True)
class Refused:
    name: str
    reason: str


def size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def safe_name(name: str) -> str:
    """The file name to store, or UploadError when it has folder parts or is unusable."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise UploadError("文件名为空")
    if "/" in name or "\\" in name or name in (".", "..") or re.match(r"^[A-Za-z]:", name):
        raise UploadError("文件名不能包含路径（如“../”或“/”），请只上传文件本身")
    if name.startswith("."):
        raise UploadError("文件名不能以“.”开头（隐藏文件不会被收录）")
    stem, suffix = os.path.splitext(name)
    stem = re.sub(r"\s+", " ", UNSAFE_CHARS.sub("_", stem)).strip(" .")
    if not stem:
        raise UploadError("文件名无效")
    return stem[:MAX_NAME] + suffix.lower()


def check_size(size: int, max_bytes: int = MAX_BYTES) -> None:
    if size == 0:
        raise UploadError("文件为空")
    if size > max_bytes:
        raise UploadError(f"文件过大（{size_text(size)}），单个文件不能超过 {size_text(max_bytes)}")


def check_type(name: str, data: bytes) -> None:
    """Extension in SUPPORTED and content that matches it."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise UploadError(f"不支持的文件类型“{suffix or '（无扩展名）'}”，只能上传 {SUPPORTED_NAMES} 文件")
    if suffix == ".pdf":
        if b"%PDF-" not in data[:1024]:
            raise UploadError("文件扩展名是 .pdf，但内容不是 PDF 文件")
    elif suffix == ".docx":
        if not (data.startswith(b"PK\x03\x04") and is_docx(data)):
            raise UploadError("文件扩展名是 .docx，但内容不是 Word（DOCX）文件")
    elif suffix in (".doc", ".wps"):
        if not data.startswith(OLE_MAGIC):
            raise UploadError(f"文件扩展名是 {suffix}，但内容不是 Word 97-2003 或 WPS 文件")
    elif suffix in (".html", ".htm"):
        if not is_html(data):
            raise UploadError(f"文件扩展名是 {suffix}，但内容不是网页（HTML）文件")
    else:
        if b"\x00" in data:
            raise UploadError(f"文件扩展名是 {suffix}，但内容不是文本（含二进制数据）")
        try:
            decode_text(data)
        except IngestError as exc:
            raise UploadError(f"文本文件无法读取：{exc}") from None


def is_html(data: bytes) -> bool:
    """Text (no NUL bytes, decodable) with HTML tags near the start."""
    if b"\x00" in data[:65536]:
        return False
    try:
        text = decode_html(data)
    except IngestError:
        return False
    return bool(re.search(r"<\s*(!doctype\s+html|html|head|body|meta|title|div|p|table)\b", text[:65536], re.I))


def is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def target_path(corpus: Path, name: str) -> Path:
    """corpus/name, refusing anything that would resolve outside the corpus (e.g. via a symlink)."""
    root = corpus.resolve()
    path = root / name
    if path.parent != root or path.is_symlink() or not path.resolve().is_relative_to(root):
        raise UploadError("文件只能保存在语料目录中")
    if path.exists() and not path.is_file():
        raise UploadError("语料目录中已有同名的文件夹")
    return path


def save_upload(corpus: Path, name: str, data: bytes, overwrite: bool = False,
                max_bytes: int = MAX_BYTES) -> Path:
    """Check and store one uploaded file in `corpus`; returns the stored path."""
    check_size(len(data), max_bytes)
    stored = safe_name(name)
    check_type(stored, data)
    if not corpus.is_dir():
        raise UploadError(f"语料目录不存在：{corpus}")
    path = target_path(corpus, stored)
    if path.exists():
        if path.read_bytes() == data:
            return path  # the same file again: nothing to do
        if not overwrite:
            raise UploadError(f"语料目录中已有同名文件“{stored}”。如需替换，请勾选“覆盖同名文件”")
    tmp = None
    try:
        staging = corpus.resolve() / STAGING
        staging.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=staging, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise UploadError(f"保存失败：{exc.strerror or exc}（请检查语料目录的写入权限）") from None
    return path


def save_uploads(corpus: Path, files: list[tuple[str, bytes]], overwrite: bool = False,
                 max_bytes: int = MAX_BYTES) -> tuple[list[Path], list[Refused]]:
    """Store several uploads; each refused file is reported with its reason, the others are kept."""
    saved, refused = [], []
    for name, data in files:
        try:
            saved.append(save_upload(corpus, name, data, overwrite, max_bytes))
        except UploadError as exc:
            refused.append(Refused(name, str(exc)))
    return saved, refused


def report_text(report) -> str:
    """One Chinese line summarising a BuildReport (as the CLI prints it)."""
    return (f"索引已更新（{report.seconds:.1f} 秒）：新增 {len(report.added)}，变更 {len(report.changed)}，"
            f"删除 {len(report.removed)}，未变 {len(report.unchanged)}，跳过 {len(report.skipped)}；"
            f"本次向量化 {report.chunks_embedded} 个片段。")
