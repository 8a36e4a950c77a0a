"""Answers for drafting: Markdown, Word (python-docx), a print-friendly HTML page and the session history.

Each export holds, per answer, the question, the answer, every fact or quoted passage
grouped by document with its own citation and verbatim clause, then the supporting
passages. Text from documents is never markup: in Markdown it sits in fenced blocks
(verbatim, copyable, never a link or an image), in HTML it is escaped, in Word it is
plain runs.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import asdict
from urllib.parse import urlencode, urlsplit, urlunsplit

from .present import KIND_NAMES, AnswerView, DocGroup, escape

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in Word's XML
TITLE = "政策知识库问答"
FONT = "宋体"
ANSWER_CSS = """
.meta { color: #555; font-size: 0.9em; } .cite { font-weight: bold; }
.clause { white-space: pre-wrap; border-left: 3px solid #bbb; padding-left: 0.8em; margin-bottom: 0.6em; }
.status { border: 1px solid #999; border-radius: 3px; padding: 0 0.3em; font-size: 0.85em; }
@media print { section { page-break-inside: avoid; } }
"""  # the classes of answer_html: in the printable page and in the page's print view
PAGE_CSS = """
body { font-family: "Noto Serif CJK SC", "SimSun", serif; max-width: 46em; margin: 2em auto; line-height: 1.7; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; border-bottom: 1px solid #999; margin-top: 2em; }
h3 { font-size: 1.05em; }
"""


def meta_line(view: AnswerView) -> str:
    parts = [f"提问时间：{view.asked_at}（北京时间）", f"答案类型：{KIND_NAMES.get(view.kind, view.kind)}"]
    return " · ".join(parts + ([f"限定文件：{view.scope}"] if view.scope else []))


def group_heading(group: DocGroup) -> str:
    known = group.status if group.status != "未知" else ""
    return group.heading + (f" · {known}" if known else "")


def passage_meta(n: int, relevance: float | None) -> str:
    return f"第 {n} 名 · " + ("弱相关，仅供参考" if relevance is None else f"相关度 {relevance:.2f}")


# --------------------------------------------------------------------------- Markdown


def fenced(text: str) -> str:
    """Verbatim text in a fence longer than any backtick run inside it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def answer_markdown(view: AnswerView) -> str:
    lines = [f"## {escape(view.question)}", "", escape(meta_line(view)), "", f"**答案**：{escape(view.text)}", ""]
    if view.groups:
        lines += ["### 出处（按文件）", ""]
    for group in view.groups:
        lines += [f"#### {escape(group_heading(group))}", ""]
        for n, item in enumerate(group.items, 1):
            lines += [f"{n}. {escape(item.text)}", "", fenced(item.citation + ("\n" + item.clause_text
                                                                               if item.clause_text else "")), ""]
    if view.citation and not view.groups:
        lines += ["### 引用与条款原文", "", fenced(view.citation + ("\n" + view.clause_text if view.clause_text else "")),
                  ""]
    if view.passages:
        lines += ["### " + ("最接近的段落（弱相关，仅供参考）" if view.weak else "支持段落"), ""]
    for p in view.passages:
        lines += [f"{p.rank}. {escape(passage_meta(p.rank, p.relevance))}", "", fenced(f"{p.citation}\n{p.text}"), ""]
    return "\n".join(lines)


def to_markdown(views: list[AnswerView]) -> str:
    return f"# {TITLE}\n\n" + "\n".join(answer_markdown(v) for v in views)


# --------------------------------------------------------------------------- Word


def clean(text: str) -> str:
    return CONTROL.sub("", text)


def to_docx(views: list[AnswerView]) -> bytes:
    """A Word document: one section per answer, each fact with its citation and clause text."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    document.add_heading(TITLE, level=0)
    for view in views:
        document.add_heading(clean(view.question), level=1)
        document.add_paragraph(clean(meta_line(view)))
        answer = document.add_paragraph()
        answer.add_run("答案：").bold = True
        answer.add_run(clean(view.text))
        for group in view.groups:
            document.add_heading(clean(group_heading(group)), level=2)
            for n, item in enumerate(group.items, 1):
                document.add_paragraph(clean(f"{n}. {item.text}"))
                cite(document, item.citation, item.clause_text)
        if view.citation and not view.groups:
            document.add_heading("引用与条款原文", level=2)
            cite(document, view.citation, view.clause_text)
        if view.passages:
            document.add_heading("最接近的段落（弱相关，仅供参考）" if view.weak else "支持段落", level=2)
        for p in view.passages:
            document.add_paragraph(passage_meta(p.rank, p.relevance))
            cite(document, p.citation, p.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def cite(document, citation: str, text: str) -> None:
    """Citation in bold, then the verbatim clause, as drafting staff paste them."""
    document.add_paragraph().add_run(clean(citation)).bold = True
    if text:
        document.add_paragraph(clean(text), style="Quote")


# --------------------------------------------------------------------------- print view and history


def answer_html(view: AnswerView) -> str:
    e = html.escape
    out = [f"<section><h2>{e(view.question)}</h2>", f"<p class='meta'>{e(meta_line(view))}</p>",
           f"<p><b>答案：</b>{e(view.text)}</p>"]
    for group in view.groups:
        status = f" <span class='status'>{e(group.status)}</span>" if group.status != "未知" else ""
        out.append(f"<h3>{e(group.heading)}{status}</h3><ol>")
        out += [f"<li>{e(item.text)}<div class='cite'>{e(item.citation)}</div>"
                f"<div class='clause'>{e(item.clause_text)}</div></li>" for item in group.items]
        out.append("</ol>")
    if view.citation and not view.groups:
        out.append(f"<h3>引用与条款原文</h3><div class='cite'>{e(view.citation)}</div>"
                   f"<div class='clause'>{e(view.clause_text)}</div>")
    if view.passages:
        out.append(f"<h3>{'最接近的段落（弱相关，仅供参考）' if view.weak else '支持段落'}</h3>")
    out += [f"<p class='meta'>{e(passage_meta(p.rank, p.relevance))}</p><div class='cite'>{e(p.citation)}</div>"
            f"<div class='clause'>{e(p.text)}</div>" for p in view.passages]
    return "\n".join(out) + "</section>"


def to_html(views: list[AnswerView]) -> str:
    """A self-contained page for printing: no scripts, no external resources."""
    body = "\n".join(answer_html(v) for v in views)
    return (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{TITLE}</title>"
            f"<style>{PAGE_CSS}{ANSWER_CSS}</style></head><body><h1>{TITLE}</h1>\n{body}\n</body></html>")


def history_json(views: list[AnswerView]) -> str:
    """The session's questions and answers, oldest first, as JSON (for keeping or sharing)."""
    return json.dumps([asdict(v) for v in views], ensure_ascii=False, indent=1)


def file_stem(views: list[AnswerView]) -> str:
    """A download name: 问答_<first question cut to 20 characters>, only safe characters."""
    first = re.sub(r"[^\w\u4e00-\u9fff]+", "", views[0].question)[:20] if views else ""
    return f"问答_{first}" if first else "问答"


def share_link(base: str, question: str, doc_id: str = "") -> str:
    """The page's address that asks `question` again (and keeps the document filter) when opened."""
    parts = urlsplit(base or "")
    query = urlencode({"q": question, **({"doc": doc_id} if doc_id else {})})
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, "")) if parts.netloc else f"?{query}"
