"""Old Word files (.doc/.wps) read through LibreOffice, and what happens without it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import docgen
from conftest import SEED, require
from kspolicy.read import office
from kspolicy.read.ingest import IngestError, docx_lines, load_lines
from kspolicy.understand.parse import parse_file
from kspolicy.views.upload import UploadError, check_type


@pytest.fixture(scope="session")
def seed_doc(docs: Path) -> tuple[Path, Path]:
    """(DOCX, DOC) of the seed with merged attachment tables; the DOC saved by LibreOffice."""
    require("soffice")
    docx = docgen.tables_docx(SEED, docs / "seed_office.docx")
    with tempfile.TemporaryDirectory(prefix="test_office_") as profile:
        subprocess.run(["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                        "--convert-to", "doc", "--outdir", str(docs), str(docx)],
                       check=True, capture_output=True, timeout=300)
    doc = docs / "seed_office.doc"
    assert doc.read_bytes().startswith(office.OLE_MAGIC)
    return docx, doc


def fake_soffice(tmp_path: Path, script: str) -> str:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(0o755)
    return str(path)


def test_doc_reads_like_the_docx_it_was_saved_from(seed_doc):
    docx, doc = seed_doc
    assert [line.text for line in load_lines(doc).lines] == [line.text for line in docx_lines(docx)]


def test_doc_and_wps_give_the_seed_document(seed_doc, tmp_path):
    _, doc = seed_doc
    wps = shutil.copy(doc, tmp_path / "昆政办发2022-98号.wps")  # WPS Writer files are OLE files too
    for path in (doc, Path(wps)):
        parsed = parse_file(path, path.stem, "0")
        assert (parsed.document.title, parsed.document.doc_number) == (
            "昆山市装备制造产业创新集群建设实施意见", "昆政办发〔2022〕98号")
        assert len([t for t in parsed.targets if t.source == "table"]) == 240
        assert len(parsed.responsibilities) == 10


def test_without_libreoffice_the_file_is_skipped_with_a_reason(tmp_path, monkeypatch):
    path = tmp_path / "通知.doc"
    path.write_bytes(office.OLE_MAGIC + b"\x00" * 512)
    monkeypatch.setattr(office, "soffice", lambda: None)
    with pytest.raises(IngestError, match="需要安装 LibreOffice"):
        load_lines(path)


def test_conversion_that_fails_or_hangs(tmp_path, monkeypatch):
    path = tmp_path / "坏文件.wps"
    path.write_bytes(office.OLE_MAGIC + b"\x00" * 512)
    monkeypatch.setattr(office, "soffice", lambda: fake_soffice(tmp_path, "exit 1"))
    with pytest.raises(IngestError, match="无法转换"):
        load_lines(path)
    monkeypatch.setattr(office, "soffice", lambda: fake_soffice(tmp_path, "sleep 60 & sleep 60"))
    start = time.monotonic()
    with pytest.raises(IngestError, match="超时"):
        office.office_lines(path, timeout=1)
    assert time.monotonic() - start < 10


def test_empty_doc(tmp_path):
    (tmp_path / "empty.doc").write_bytes(b"")
    with pytest.raises(IngestError, match="文件为空"):
        load_lines(tmp_path / "empty.doc")


def test_upload_checks_ole_signature():
    check_type("通知.doc", office.OLE_MAGIC + b"\x00" * 64)
    check_type("通知.wps", office.OLE_MAGIC + b"\x00" * 64)
    for name, data in (("通知.doc", b"PK\x03\x04 a docx renamed"), ("通知.wps", "纯文本".encode())):
        with pytest.raises(UploadError, match="不是 Word 97-2003 或 WPS"):
            check_type(name, data)
