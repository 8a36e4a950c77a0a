"""Issues 4 and 9: uploads are saved only into the corpus, with a sanitised name, a size limit and a real type check."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from kspolicy.views.upload import (MAX_BYTES, UploadError, identical_file, safe_name, save_upload, save_uploads,
                                   store_upload, upload_folder)



def pdf_bytes(pages: int = 1) -> bytes:
    """A real (blank) PDF: uploads must open with pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = pdf_bytes()
TEXT = "昆山市测试文件\n\n一、总体要求\n\n坚持创新驱动。\n".encode("utf-8")


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("一、总体要求")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """(corpus, its parent): the parent stands for everything outside the corpus."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "existing.txt").write_bytes(TEXT)
    return corpus, tmp_path


def files_outside(root: Path, corpus: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if corpus not in (p, *p.parents)}


def visible(corpus: Path) -> list[str]:
    return sorted(p.name for p in corpus.iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("name, data, data_kind", [
    ("政策.pdf", PDF, "pdf"), ("政策.TXT", TEXT, "txt"), ("政策.md", TEXT, "md"),
    ("政策 GBK.txt", "一、总体要求\n坚持创新驱动。\n".encode("gb18030"), "gbk"),
])
def test_documents_are_saved_in_the_corpus(site, name, data, data_kind):
    corpus, _ = site
    path = save_upload(corpus, name, data)
    assert path.parent == corpus.resolve() and path.read_bytes() == data
    assert path.suffix == path.suffix.lower()  # extension normalised: the build matches it case-insensitively
    assert visible(corpus) == sorted(["existing.txt", path.name])


def test_a_real_docx_is_accepted(site):
    corpus, _ = site
    assert save_upload(corpus, "通知.docx", docx_bytes()).read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("name", ["../evil.pdf", "..\\evil.pdf", "/tmp/evil.pdf", "sub/evil.pdf",
                                  "C:evil.pdf", "..", ".hidden.pdf", ""])
def test_names_with_path_parts_are_refused_and_nothing_is_written(site, name):
    corpus, root = site
    before = files_outside(root, corpus)
    with pytest.raises(UploadError, match="路径|开头|为空|无效"):
        save_upload(corpus, name, PDF)
    assert files_outside(root, corpus) == before
    assert visible(corpus) == ["existing.txt"]
    assert not (root / "evil.pdf").exists() and not Path("/tmp/evil.pdf").exists()


def test_an_oversized_file_is_refused(site):
    corpus, _ = site
    with pytest.raises(UploadError, match="文件过大.*20.0 MB"):
        save_upload(corpus, "big.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES)
    with pytest.raises(UploadError, match="文件过大"):
        save_upload(corpus, "small-limit.txt", TEXT, max_bytes=10)
    with pytest.raises(UploadError, match="文件为空"):
        save_upload(corpus, "empty.txt", b"")
    assert visible(corpus) == ["existing.txt"]


@pytest.mark.parametrize("name, data, message", [
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64, "不支持的文件类型“.exe”"),
    ("noext", TEXT, "无扩展名"),
    ("fake.pdf", b"<html>not a pdf</html>", "内容不是 PDF"),
    ("fake.docx", PDF, "不是 Word"),
    ("zip.docx", b"PK\x03\x04" + b"\x00" * 40, "不是 Word"),
    ("binary.txt", b"MZ\x90\x00\x03\x00\x00\x00", "不是文本"),
    ("latin.md", bytes(range(128, 256)) * 4, "无法读取"),
])
def test_wrong_types_are_refused(site, name, data, message):
    corpus, _ = site
    with pytest.raises(UploadError, match=message):
        save_upload(corpus, name, data)
    assert visible(corpus) == ["existing.txt"]


def test_an_existing_name_needs_overwrite(site):
    corpus, _ = site
    same = save_upload(corpus, "existing.txt", TEXT)  # identical content: nothing to do
    assert same.read_bytes() == TEXT
    changed = TEXT + "二、主要目标\n".encode("utf-8")
    with pytest.raises(UploadError, match="覆盖同名文件"):
        save_upload(corpus, "existing.txt", changed)
    assert (corpus / "existing.txt").read_bytes() == TEXT
    (corpus / "existing.txt").chmod(0o444)  # the seed document is read-only in the repository
    assert save_upload(corpus, "existing.txt", changed, overwrite=True).read_bytes() == changed


def test_a_symlink_in_the_corpus_is_not_followed_outside(site):
    corpus, root = site
    outside = root / "outside.txt"
    outside.write_bytes(b"keep")
    os.symlink(outside, corpus / "link.txt")
    with pytest.raises(UploadError, match="语料目录"):
        save_upload(corpus, "link.txt", TEXT, overwrite=True)
    assert outside.read_bytes() == b"keep"


def test_staging_files_are_hidden_and_cleaned(site):
    corpus, _ = site
    save_upload(corpus, "a.txt", TEXT)
    staging = corpus / ".uploads"
    assert staging.is_dir() and not list(staging.iterdir())  # renamed into place, nothing left behind


def test_unsafe_characters_are_replaced():
    assert safe_name(" 关于 印发*方案?.PDF ") == "关于 印发_方案_.pdf"
    assert safe_name("a\x00b.txt") == "a_b.txt"


def test_several_files_report_each_refusal(site):
    corpus, root = site
    done = save_uploads(corpus, [("ok.txt", TEXT + b"\n"), ("../evil.pdf", PDF), ("x.exe", b"MZ")])
    assert [p.name for p in done.saved] == ["ok.txt"] and done.unchanged == []
    assert [r.name for r in done.refused] == ["../evil.pdf", "x.exe"]
    assert all(r.reason for r in done.refused)
    assert not (root / "evil.pdf").exists()


def test_a_write_failure_gives_a_message_and_leaves_nothing(site, monkeypatch):
    corpus, _ = site

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("kspolicy.views.upload.os.replace", refuse)  # e.g. a read-only corpus folder
    monkeypatch.setattr("kspolicy.views.upload.os.link", refuse)
    with pytest.raises(UploadError, match="保存失败：Permission denied"):
        save_upload(corpus, "new.txt", TEXT)
    assert visible(corpus) == ["existing.txt"] and not list((corpus / ".uploads").iterdir())


# --------------------------------------------------------------------------- issue 9: hostile uploads


def test_two_racing_uploads_of_one_new_name_save_exactly_one(site):
    """Threads released together at a barrier: exactly one '已保存', the other refused, no mixed file."""
    import threading

    corpus, _ = site
    contents = [TEXT + f"版本{n}\n".encode("utf-8") for n in range(2)]
    for trial in range(10):
        name = f"race{trial}.txt"
        barrier = threading.Barrier(2)
        results: list = [None, None]

        def upload(n: int) -> None:
            barrier.wait()
            results[n] = save_uploads(corpus, [(name, contents[n])])

        threads = [threading.Thread(target=upload, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        saved = [n for n in range(2) if results[n].saved]
        refused = [r for n in range(2) for r in results[n].refused]
        assert len(saved) == 1 and len(refused) == 1 and "已有同名文件" in refused[0].reason, results
        assert (corpus / name).read_bytes() == contents[saved[0]]
    assert not list((corpus / ".uploads").iterdir())


def test_an_explicit_overwrite_replaces_the_file_atomically(site, monkeypatch):
    corpus, _ = site
    replaced = []
    real = os.replace
    monkeypatch.setattr("kspolicy.views.upload.os.replace", lambda a, b: replaced.append(b) or real(a, b))
    new = TEXT + "三、保障措施\n".encode("utf-8")
    save_upload(corpus, "existing.txt", new, overwrite=True)
    assert (corpus / "existing.txt").read_bytes() == new and replaced == [corpus.resolve() / "existing.txt"]


def test_a_name_over_255_bytes_is_shortened_and_keeps_its_extension(site):
    corpus, _ = site
    long_name = "关于印发昆山市装备制造产业创新集群建设实施意见的通知" * 6 + ".TXT"
    assert len(long_name.encode("utf-8")) > 255
    path = save_upload(corpus, long_name, TEXT)
    assert path.suffix == ".txt" and len(path.name.encode("utf-8")) <= 255 and path.read_bytes() == TEXT
    assert path.name.startswith("关于印发昆山市") and path.parent == corpus.resolve()
    other = save_upload(corpus, long_name.replace("通知.TXT", "通报.TXT"), TEXT + b"\n")
    assert other != path  # same first 240 bytes, another name: a hash of the full name keeps them apart
    stored = safe_name("a" * 300 + ".pdf")
    assert stored.endswith(".pdf") and len(stored.encode("utf-8")) <= 255


def test_content_is_checked_past_the_first_kilobyte(site, tmp_path):
    from hostile import many_pages_pdf, zip_bomb_docx

    corpus, _ = site
    with pytest.raises(UploadError, match="不是可以打开的 PDF"):
        save_upload(corpus, "header-only.pdf", b"%PDF-1.7\n" + b"x" * 5000 + b"\n%%EOF\n")
    pages = many_pages_pdf(tmp_path / "2000.pdf", 2000).read_bytes()
    with pytest.raises(UploadError, match="页数过多（2,000 页）"):
        save_upload(corpus, "2000页.pdf", pages)
    bomb = zip_bomb_docx(tmp_path / "bomb.docx", inflated=256 * 1024 * 1024).read_bytes()
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(UploadError, match="解压后过大"):
        save_upload(corpus, "炸弹.docx", bomb)
    with pytest.raises(UploadError, match="编码"):
        save_upload(corpus, "latin.txt", "一、总体要求\n".encode("utf-8") * 200 + bytes(range(128, 256)) * 8)
    assert visible(corpus) == ["existing.txt"] and not list((corpus / ".uploads").iterdir())



# --------------------------------------------------------------------------- issue 10: an uploads folder, no-op re-uploads


def test_uploads_go_to_their_own_folder_inside_the_corpus(site):
    corpus, root = site
    folder = upload_folder(corpus)
    assert folder == corpus / "uploads" and folder.is_dir()
    done = save_uploads(folder, [("新.txt", TEXT + "新\n".encode("utf-8"))], root=corpus)
    assert [p.parent for p in done.saved] == [folder.resolve()]
    assert files_outside(root, corpus) == set()
    gitignore = (Path(__file__).resolve().parents[1] / ".gitignore").read_text(encoding="utf-8")
    assert "/corpus/uploads/" in gitignore.splitlines()


def test_an_uploads_folder_that_is_a_link_is_refused(site):
    corpus, root = site
    (root / "elsewhere").mkdir()
    os.symlink(root / "elsewhere", corpus / "uploads")
    with pytest.raises(UploadError, match="不是文件夹"):
        upload_folder(corpus)
    with pytest.raises(UploadError, match="语料目录"):
        save_upload(corpus / "uploads", "a.txt", TEXT)  # even when called directly
    assert not list((root / "elsewhere").iterdir())


def test_an_identical_upload_changes_nothing(site):
    corpus, _ = site
    folder = upload_folder(corpus)
    before = {p: p.stat().st_mtime_ns for p in corpus.rglob("*") if p.is_file()}
    done = save_uploads(folder, [("另一个名字.txt", TEXT)], root=corpus)  # same content as existing.txt
    assert done.saved == [] and [p.name for p in done.unchanged] == ["existing.txt"] and done.refused == []
    done = save_uploads(folder, [("existing.txt", TEXT)], overwrite=True, root=corpus)
    assert done.saved == [] and len(done.unchanged) == 1
    assert {p: p.stat().st_mtime_ns for p in corpus.rglob("*") if p.is_file()} == before
    assert store_upload(corpus, "existing.txt", TEXT) == ((corpus / "existing.txt").resolve(), False)
    assert store_upload(corpus, "existing.txt", TEXT + b"x", overwrite=True)[1] is True


def test_a_fifo_in_the_corpus_does_not_block_the_identity_check(site):
    corpus, _ = site
    os.mkfifo(corpus / "pipe.txt")
    assert identical_file(corpus, b"nothing like it") is None
