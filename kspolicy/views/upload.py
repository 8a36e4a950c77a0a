"""Save an uploaded file into the corpus folder, safely.

The name must be a plain file name (no folder parts, not hidden), shortened to fit 255
bytes; the size is limited; the type is checked by extension and by content: quick
checks here (%PDF-, a zip header, no NUL bytes in text, an OLE file for DOC/WPS, tags in
HTML), then the whole file in the bounded parsing worker (a .pdf opens with pypdf within
the page budget, a .docx is a sound zip within budget, text decodes). The file is staged
in a hidden folder inside the corpus and linked into place: a new name is created
atomically or not at all (of two racing uploads one is saved, the other refused); an
explicit overwrite replaces the old file atomically. The page saves into the git-ignored
`corpus/uploads/`; content the corpus already holds is not stored again (the page says
nothing changed). Nothing is written outside the corpus. A refusal is an `UploadError`
with a Chinese message.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..read.html import decode_html
from ..read.ingest import SUPPORTED, SUPPORTED_NAMES, IngestError, decode_text, preflight
from ..read.limits import Limits
from ..read.office import OLE_MAGIC
from ..read.worker import JobFailed, Worker

MAX_BYTES = 20 * 1024 * 1024
MAX_NAME_BYTES = 255  # a file name on Linux file systems, in UTF-8 bytes
STAGING = ".uploads"  # hidden: scan_corpus ignores it; git-ignored
UPLOADS = "uploads"  # the page's folder inside the corpus; git-ignored
UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


class UploadError(Exception):
    """An upload that is refused; str(error) is the Chinese reason shown to the user."""


@dataclass(frozen=True)
class Refused:
    name: str
    reason: str


@dataclass(frozen=True)
class Uploads:
    """What a batch of uploads did: new or replaced files, files identical to the stored ones, refusals."""

    saved: list[Path]
    unchanged: list[Path]
    refused: list[Refused]


def upload_folder(corpus: Path) -> Path:
    """corpus/uploads, created when missing; never a link, never outside the corpus."""
    if not corpus.is_dir():
        raise UploadError(f"语料目录不存在：{corpus.name or corpus}")
    folder = corpus / UPLOADS
    try:
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise UploadError(f"语料目录中的 {UPLOADS} 不是文件夹，无法保存上传的文件")
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise UploadError(f"保存失败：{exc.strerror or exc}（请检查语料目录的写入权限和磁盘空间）") from None
    return folder


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
    if not stem or len(suffix.encode("utf-8")) > 16:
        raise UploadError("文件名无效")
    return shorten(stem, suffix.lower(), name)


def shorten(stem: str, suffix: str, original: str) -> str:
    """stem + suffix within MAX_NAME_BYTES; a cut stem ends in a short hash of the original name."""
    if len((stem + suffix).encode("utf-8")) <= MAX_NAME_BYTES:
        return stem + suffix
    tag = "-" + hashlib.sha256(original.encode("utf-8")).hexdigest()[:8]
    room = MAX_NAME_BYTES - len((tag + suffix).encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(" .")
    return cut + tag + suffix


def check_size(size: int, max_bytes: int = MAX_BYTES) -> None:
    if size == 0:
        raise UploadError("文件为空")
    if size > max_bytes:
        raise UploadError(f"文件过大（{size_text(size)}），单个文件不能超过 {size_text(max_bytes)}")


def check_type(name: str, data: bytes) -> None:
    """Extension in SUPPORTED and a content that starts like it (cheap; the worker checks the rest)."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise UploadError(f"不支持的文件类型“{suffix or '（无扩展名）'}”，只能上传 {SUPPORTED_NAMES} 文件")
    if suffix == ".pdf" and b"%PDF-" not in data[:1024]:
        raise UploadError("文件扩展名是 .pdf，但内容不是 PDF 文件")
    if suffix == ".docx" and not data.startswith(b"PK\x03\x04"):
        raise UploadError("文件扩展名是 .docx，但内容不是 Word（DOCX）文件")
    if suffix in (".doc", ".wps") and not data.startswith(OLE_MAGIC):
        raise UploadError(f"文件扩展名是 {suffix}，但内容不是 Word 97-2003 或 WPS 文件")
    if suffix in (".html", ".htm") and not is_html(data):
        raise UploadError(f"文件扩展名是 {suffix}，但内容不是网页（HTML）文件")
    if suffix not in (".pdf", ".docx", ".doc", ".wps", ".html", ".htm") and b"\x00" in data:
        raise UploadError(f"文件扩展名是 {suffix}，但内容不是文本（含二进制数据）")


def is_html(data: bytes) -> bool:
    """Text (no NUL bytes, decodable) with HTML tags near the start."""
    if b"\x00" in data[:65536]:
        return False
    try:
        text = decode_html(data)
    except IngestError:
        return False
    return bool(re.search(r"<\s*(!doctype\s+html|html|head|body|meta|title|div|p|table)\b", text[:65536], re.I))


def content_problem(path: Path, limits: Limits) -> str:
    """Why the staged file is not what its extension says, or ''. Runs in the parsing worker."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        try:
            with zipfile.ZipFile(path) as archive:
                if "word/document.xml" not in archive.namelist():
                    return "文件扩展名是 .docx，但内容不是 Word（DOCX）文件"
        except (zipfile.BadZipFile, OSError, ValueError):
            return "文件扩展名是 .docx，但内容不是 Word（DOCX）文件"
    try:
        preflight(path, limits)  # .pdf opens with pypdf within the page budget; zip members within budget
        if suffix in (".html", ".htm"):
            decode_html(path.read_bytes())
        elif suffix not in (".pdf", ".docx", ".doc", ".wps"):
            decode_text(path.read_bytes())
    except IngestError as exc:
        if suffix == ".pdf":
            return f"文件扩展名是 .pdf，但内容不是可以打开的 PDF 文件：{exc}"
        return f"文件内容无法读取：{exc}"
    return ""


def target_path(corpus: Path, name: str) -> Path:
    """corpus/name, refusing anything that would resolve outside the corpus (e.g. via a symlink)."""
    root = corpus.resolve()
    path = root / name
    try:
        if corpus.is_symlink() or path.parent != root or path.is_symlink() or not path.resolve().is_relative_to(root):
            raise UploadError("文件只能保存在语料目录中")
        if path.exists() and not path.is_file():
            raise UploadError("语料目录中已有同名的文件夹")
    except OSError as exc:
        raise UploadError(f"文件名无法使用（{exc.strerror or exc}）") from None
    return path


def save_upload(corpus: Path, name: str, data: bytes, overwrite: bool = False,
                max_bytes: int = MAX_BYTES, limits: Limits = Limits(), worker: Worker | None = None) -> Path:
    """Check and store one uploaded file in `corpus`; returns the stored path."""
    return store_upload(corpus, name, data, overwrite, max_bytes, limits, worker)[0]


def store_upload(corpus: Path, name: str, data: bytes, overwrite: bool = False, max_bytes: int = MAX_BYTES,
                 limits: Limits = Limits(), worker: Worker | None = None) -> tuple[Path, bool]:
    """`save_upload`, also saying whether the folder changed (False: the same file was already there)."""
    check_size(len(data), max_bytes)
    stored = safe_name(name)
    check_type(stored, data)
    if not corpus.is_dir():
        raise UploadError(f"语料目录不存在：{corpus.name or corpus}")
    path = target_path(corpus, stored)
    staged = stage(corpus, data, Path(stored).suffix)
    try:
        if worker is None:
            with Worker(limits) as own:
                problem = own.run(content_problem, staged, limits)
        else:
            problem = worker.run(content_problem, staged, limits)
        if problem:
            raise UploadError(problem)
        changed = place(staged, path, data, overwrite)
    except JobFailed as exc:
        raise UploadError(f"无法检查文件内容：{exc}") from None
    finally:
        staged.unlink(missing_ok=True)
    return path, changed


def stage(corpus: Path, data: bytes, suffix: str) -> Path:
    """The upload written and flushed to a hidden file inside the corpus."""
    tmp = None
    try:
        staging = corpus.resolve() / STAGING
        staging.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=staging, prefix="upload-", suffix=suffix)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise UploadError(f"保存失败：{exc.strerror or exc}（请检查语料目录的写入权限和磁盘空间）") from None
    return Path(tmp)


def place(staged: Path, path: Path, data: bytes, overwrite: bool) -> bool:
    """A new name: created atomically or not at all (a hard link); overwrite: replaced atomically.

    Returns whether the folder changed: False when the file there already holds `data`.
    """
    try:
        if overwrite:
            if same_content(path, data):
                return False
            os.replace(staged, path)
            return True
        try:
            os.link(staged, path)
        except FileExistsError:
            if not same_content(path, data):  # the same file again is fine; another is not replaced
                raise UploadError(f"语料目录中已有同名文件“{path.name}”。如需替换，请勾选“覆盖同名文件”") from None
            return False
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK):
                raise
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)  # no hard links here
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        return True
    except FileExistsError:
        raise UploadError(f"语料目录中已有同名文件“{path.name}”。如需替换，请勾选“覆盖同名文件”") from None
    except OSError as exc:
        raise UploadError(f"保存失败：{exc.strerror or exc}（请检查语料目录的写入权限和磁盘空间）") from None


def same_content(path: Path, data: bytes) -> bool:
    """Whether the regular file at `path` (never followed if it is a link) holds exactly `data`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a FIFO does not block
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        return stat.S_ISREG(info.st_mode) and info.st_size == len(data) and handle.read() == data


def identical_file(root: Path, data: bytes) -> Path | None:
    """A regular file under `root` (hidden folders and links skipped) holding exactly `data`."""
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found = (Path(folder) / n for n in names if not n.startswith("."))
        twin = next((p for p in found if same_content(p, data)), None)  # size compared first, links not followed
        if twin:
            return twin
    return None


def save_uploads(corpus: Path, files: list[tuple[str, bytes]], overwrite: bool = False,
                 max_bytes: int = MAX_BYTES, limits: Limits = Limits(), root: Path | None = None) -> Uploads:
    """Store several uploads; each refused file is reported with its reason, the others are kept.

    With `root` (the whole corpus), a file whose content is already there anywhere is not stored again.
    """
    done = Uploads([], [], [])
    with Worker(limits) as worker:
        for name, data in files:
            twin = identical_file(root, data) if root is not None and data else None
            if twin is not None:
                done.unchanged.append(twin)
                continue
            try:
                path, changed = store_upload(corpus, name, data, overwrite, max_bytes, limits, worker)
            except UploadError as exc:
                done.refused.append(Refused(name, str(exc)))
                continue
            (done.saved if changed else done.unchanged).append(path)
    return done
