"""Hostile and oversized files, made for the tests without ever holding them in memory.

zip bomb DOCX (word/document.xml inflating to ~1 GB from ~5 MB), a PDF with
thousands of pages (a tiny hand-written PDF writer), a 200 MB text file, one
5 MB line, thousands of repeated headings, documents with Markdown image and
link syntax.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

MB = 1024 * 1024
PIXEL = "http://127.0.0.1:9/x.png"  # port 9 (discard): nothing listens, a fetch would show in the browser log
LINK = "http://127.0.0.1:9/link"


def docx_skeleton() -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("一、总体要求")
    document.save(buffer)
    return buffer.getvalue()


def zip_bomb_docx(path: Path, inflated: int = 1024 * MB) -> Path:
    """A DOCX whose word/document.xml inflates to `inflated` bytes, written in 1 MB blocks."""
    skeleton = zipfile.ZipFile(io.BytesIO(docx_skeleton()))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for item in skeleton.infolist():
            if item.filename != "word/document.xml":
                out.writestr(item, skeleton.read(item))
        with out.open("word/document.xml", "w", force_zip64=True) as handle:
            head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                    b"<w:body><w:p><w:r><w:t>")
            tail = b"</w:t></w:r></w:p></w:body></w:document>"
            handle.write(head)
            block = b"A" * MB
            left = inflated - len(head) - len(tail)
            while left > 0:
                handle.write(block[: min(left, MB)])
                left -= MB
            handle.write(tail)
    return path


def many_pages_pdf(path: Path, pages: int) -> Path:
    """A valid PDF with `pages` pages, one line of text on each (Helvetica), xref table included."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",  # the page tree is filled in below
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for n in range(1, pages + 1):
        text = f"BT /F1 12 Tf 72 720 Td (Policy page {n} of {pages}) Tj ET".encode()
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(b"%d 0 R" % k for k in kids))
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n")
        offsets = []
        for number, body in enumerate(objects, 1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return path


def big_text(path: Path, size: int = 200 * MB) -> Path:
    """A policy-like text file of `size` bytes, written in blocks."""
    line = "推进装备制造产业创新集群建设，市科技局负责，到2025年力争达到35家。\n".encode("utf-8")
    block = line * (MB // len(line))
    with path.open("wb") as out:
        out.write("测试大文件\n\n一、总体要求\n\n".encode("utf-8"))
        written = 0
        while written < size:
            out.write(block)
            written += len(block)
    return path


def long_line(path: Path, size: int = 5 * MB) -> Path:
    """One paragraph of `size` bytes (UTF-8) on a single line."""
    unit = "推进装备制造业高质量发展，"
    path.write_text("测试长行文件\n\n一、总体要求\n\n" + unit * (size // len(unit.encode("utf-8"))) + "\n",
                    encoding="utf-8")
    return path


def repeated_headings(path: Path, count: int = 10_000) -> Path:
    """The same clause number `count` times (numbering that restarts), one clause with a body."""
    path.write_text("测试重复标题文件\n\n" + "一、总体要求\n\n" * count + "坚持创新驱动，市科技局负责。\n",
                    encoding="utf-8")
    return path


MARKUP_DOC = f"""昆山市测试标记文件

昆政办发〔2024〕1号

一、主要任务

1. 建设检测认证平台。推进检测认证平台建设，见[点此查看]({LINK})，示意图![示意图]({PIXEL})。

2. 推进链接示范工程。详见<{LINK}>。

附件 1

测试任务分解表（2025 年）

任务清单\t指标名称\t2025 年\t花桥\t周市\t责任单位
测试指标\t累计检测认证企业新增数（家）\t10\t4\t6\t![x]({PIXEL})
\t累计链接示范企业新增数（家）\t8\t3\t5\t[点此]({LINK})

附件 2

测试重点工作清单

序号\t任务清单\t\t目标清单\t责任单位
1\t测试行动\t建设检测认证平台\t建成检测认证平台\t![x]({PIXEL})、市财政局
2\t测试行动\t推进链接示范工程\t建成链接示范工程\t[点此]({LINK})、市财政局
"""


def markup_doc(path: Path) -> Path:
    """A policy whose departments, text and table cells carry Markdown image and link syntax."""
    path.write_text(MARKUP_DOC, encoding="utf-8")
    return path
