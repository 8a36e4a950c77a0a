"""Old Word files (.doc, .wps) through LibreOffice: converted to DOCX, then read as DOCX.

Each conversion runs `soffice --headless --convert-to docx` in a temporary folder with
its own LibreOffice profile (so it neither touches nor waits for a user's running
LibreOffice), under a time limit; the whole process group is killed when it overruns.
Without LibreOffice the file is skipped with a reason saying what to install.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..models import Line
from .ingest import IngestError, docx_lines

TIMEOUT = 120  # seconds for one conversion, LibreOffice's first start included
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 and WPS files are OLE compound files


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def run_killable(cmd: list[str], timeout: float) -> int:
    """Run `cmd` in its own process group; on timeout kill the group (soffice forks soffice.bin)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise


def convert_to_docx(path: Path, folder: Path, timeout: float = TIMEOUT) -> Path:
    """DOCX converted from `path` inside `folder`; IngestError with a Chinese reason otherwise."""
    exe = soffice()
    if exe is None:
        raise IngestError(f"读取 {path.suffix.lower()} 文件需要安装 LibreOffice（soffice），"
                          "请安装后重建索引，或将文件另存为 DOCX")
    source = folder / f"source{path.suffix.lower()}"  # a plain name: no spaces, no leading "-"
    shutil.copyfile(path, source)
    out = folder / "out"
    cmd = [exe, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
           "--nologo", "--convert-to", "docx", "--outdir", str(out), str(source)]
    try:
        status = run_killable(cmd, timeout)
    except subprocess.TimeoutExpired:
        raise IngestError(f"LibreOffice 转换超时（超过 {timeout:.0f} 秒）") from None
    except OSError as exc:
        raise IngestError(f"无法运行 LibreOffice（{exc.strerror or exc}）") from None
    converted = out / "source.docx"
    if status != 0 or not converted.is_file() or converted.stat().st_size == 0:
        raise IngestError("LibreOffice 无法转换该文件（文件可能已损坏、加密或不是 Word/WPS 文档）")
    return converted


def office_lines(path: Path, timeout: float = TIMEOUT) -> list[Line]:
    """Lines of a .doc/.wps file, read as the DOCX LibreOffice makes of it."""
    if path.stat().st_size == 0:
        raise IngestError("文件为空")
    with tempfile.TemporaryDirectory(prefix="kspolicy-office-") as tmp:
        return docx_lines(convert_to_docx(path, Path(tmp), timeout))
