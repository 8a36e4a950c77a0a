"""Parse repaired paragraphs into document metadata and a clause tree.

Markers 一、/（一）/1./（1）, 第X章/第X条 and 附件N open clauses; labels are
printed forms (`五、8`, `三（一）2`, `附件1`). Text before the first marker is
split into the covering notice (`通知`) and the introduction (`引言`); the
distribution list at the end is `版记`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Clause, Para
from .roles import is_unit
from .vocab import load_vocabulary
from ..text import (
    DATE,
    DOC_NUMBER,
    cn_to_int,
    fold,
    iso_date,
    marker,
    normalize_doc_number,
    squash,
)

# 第X条 sits between 一、 and （一）: in regulations （一） and 1. are parts of an article.
LEVEL = {"chapter": 0, "section": 1, "article": 1.5, "subsection": 2, "item": 3, "subitem": 4}
ID_LETTER = {"chapter": "C", "section": "S", "subsection": "U", "item": "I", "article": "T", "subitem": "V"}
NOTICE_TITLE = re.compile(r"关于印发(.+?)的通知")
ISSUED = re.compile(r"^《([^《》]{4,60})》(?:已经|经).{0,30}(?:通过|同意).{0,6}(?:现予|现)?印发")
ISSUER_LIKE = re.compile(r"(人民政府|办公室|办公厅|委员会|管委会|局|厅|委|办)$")
REFERENCE = re.compile(r"《([^《》]{2,60})》\s*[（(]\s*([^（）()]{2,8}\s*[〔\[（(【]\s*\d{4}\s*[〕\]）)】]\s*\d+\s*号)\s*[)）]")
ATTACHMENT_LIST = re.compile(r"^[-•·\s]*附\s*件\s*[:：]")
FOOTER = re.compile(r"^\s*抄\s*送\s*[:：]")


@dataclass
class Meta:
    title: str
    doc_number: str
    issuer: str
    date: str
    references: tuple[str, ...]
    signers: tuple[str, ...] = ()  # units that sign the document, above its date


@dataclass
class Region:
    """Paragraphs of one clause while parsing."""

    clause_id: str
    label: str
    heading: str
    kind: str
    parent: str = ""
    level: float = -1
    paras: list[Para] = field(default_factory=list)


def read_meta(paras: list[Para], fallback_title: str, hints: dict[str, str] | None = None) -> Meta:
    """Title, 文号, issuer, date and cited documents, read from the text itself.

    Only the front matter (before the first clause marker) is read for the title
    and 文号; a 文号 counts only on a line of its own, not inside a citation.
    """
    head = []
    for p in paras[:40]:
        if p.table or (marker(p.text) and head):
            break
        head.append(p.text)
    title = document_title(head) or fallback_title
    issuer = next((squash(t)[:-2] for t in head[:3] if squash(t).endswith("文件")), "")
    if not issuer:
        dated = next((i for i, t in enumerate(head) if DATE.fullmatch(squash(t))), None)
        issuer = re.split(r"[。；！？]", squash(head[dated - 1]))[-1] if dated else ""  # the units above the date
    if not issuer:  # "南京市江宁区人民政府" set above "江宁政规〔2026〕3号"
        numbered = next((i for i, t in enumerate(head) if DOC_NUMBER.search(t) and len(squash(t)) <= 25), None)
        issuer = squash(head[numbered - 1]) if numbered and is_unit(head[numbered - 1], load_vocabulary()) else ""
    date = next((iso_date(t) for t in head if DATE.fullmatch(squash(t))), "")
    if not date or not issuer:  # signed at the end of the body (before an attachment) or of the document:
        # "南通市人民政府 / 2023年11月20日", or both on one line
        ends = [i for i, p in enumerate(paras) if i > len(head) and not p.table and
                (m := marker(p.text)) and m[0] == "attachment"] + [len(paras)]
        for end in ends:
            signed_issuer, signed_date = signature([p.text for p in paras[max(0, end - 12):end] if not p.table])
            if signed_date:
                break
        issuer, date = issuer or signed_issuer, date or signed_date
    number = next((normalize_doc_number(t) for t in head if DOC_NUMBER.search(t) and not REFERENCE.search(t)
                   and (len(squash(t)) <= 25 or not any(c in t for c in "，。；"))), "")  # its own line, or one
    # with the issuer and the date ("扬州市江都区民政局 江都民发〔2026〕12号 2026年3月20日印发"), not a sentence
    refs = tuple(dict.fromkeys(
        f"《{squash(m.group(1))}》（{normalize_doc_number(m.group(2))}）"
        for p in paras for m in REFERENCE.finditer(p.text)
    ))
    hints = hints or {}
    signed = signers(head)
    stated = NOTICE_TITLE.search(squash(hints.get("title", "")))  # a page titled "关于印发X的通知" cites X
    title = (stated.group(1).strip("《》") if stated else hints.get("title")) or title
    return Meta(title=title, doc_number=hints.get("doc_number") or number,
                issuer=hints.get("issuer") or issuer, date=hints.get("date") or date, references=refs,
                signers=signed)


def signature(tail: list[str]) -> tuple[str, str]:
    """(issuer, ISO date) of the signature at a document's end: a unit's name above (or before) a date."""
    for i in range(len(tail) - 1, -1, -1):
        flat = squash(tail[i])
        m = DATE.search(flat)
        if not m or len(flat) > 40 or not flat.endswith(("日", "日印发", "日发布")) and not DATE.fullmatch(flat):
            continue
        before = re.split(r"[。；！？]", flat[:m.start()])[-1].strip()  # not the sentence the signature follows
        if before and ISSUER_LIKE.search(before):
            return before, iso_date(flat)
        above = squash(tail[i - 1]) if i else ""
        return (above if ISSUER_LIKE.search(above) and len(above) <= 30 else ""), iso_date(flat)
    return "", ""


def signers(head: list[str]) -> tuple[str, ...]:
    """The units signing above the date line ("广州市卫生健康委员会 广州市财政局 / …局 / 2023年10月19日")."""
    dated = next((i for i, t in enumerate(head) if DATE.fullmatch(squash(t))), None)
    out: list[str] = []
    for text in reversed(head[:dated] if dated else []):
        names = text.split()
        if not names or not all(ISSUER_LIKE.search(n) and len(n) <= 20 for n in names):
            break
        out = names + out
    return tuple(out)


def document_title(head: list[str]) -> str:
    """The document's own title among the front-matter lines.

    In order: the plan a covering notice issues ("关于印发《X》的通知", "《X》已经…审议通过，
    现予印发"), a title-like line naming a kind of document (…方案, …办法, …的通知), the
    first title-like line that is not an issuer's name.
    """
    kinds = load_vocabulary().document_kinds
    for text in head:
        flat = squash(text)
        m = NOTICE_TITLE.search(flat) or ISSUED.search(flat)
        if m:
            return m.group(1).strip("《》")
    titles = [squash(t) for t in head if is_title_like(t) and re.search(r"[\u4e00-\u9fff]", t)]
    named = next((t for t in titles if t.endswith(kinds)), "")
    return named or next((t for t in titles if not ISSUER_LIKE.search(t)), "")


def is_title_like(text: str) -> bool:
    t = squash(text)
    return (6 <= len(t) <= 40 and not any(c in t for c in "，。；：、")
            and not DOC_NUMBER.search(t) and not DATE.search(t) and not t.endswith("文件")
            and marker(t) is None)


def clause_title(text: str) -> str:
    """Heading of a clause: its first line up to the first full stop."""
    first = re.split(r"[。；]", text, maxsplit=1)[0]
    return first if len(first) <= 40 else first[:40] + "…"


def table_section_rows(paras: list[Para]) -> list[Para]:
    """A heading printed between two rows of a table ("二、培育发展新动能" inside a task table)
    groups the rows after it: it is a row of that table, not a clause of the document."""
    out = list(paras)
    for i in range(1, len(paras) - 1):
        p = paras[i]
        if not p.table and paras[i - 1].table and paras[i + 1].table and marker(p.text) and len(squash(p.text)) <= 40:
            out[i] = Para(p.text, p.page, table=True)
    return out


def parse_clauses(paras: list[Para], doc_id: str, title: str) -> list[tuple[Clause, list[Para]]]:
    """Clauses in document order, each with the paragraphs it owns (tables included)."""
    paras = table_section_rows(paras)
    regions: list[Region] = []
    stack: list[Region] = []
    prefix, id_prefix = "", ""
    body_started = False
    title_key = fold(title)
    for para in paras:
        text = para.text
        mk = None if para.table else marker(text)
        current = regions[-1] if regions else None
        if not para.table and FOOTER.match(text):
            regions.append(Region("F", "版记", "版记", "footer"))
            stack = []
        elif current and current.kind == "footer":
            current.paras.append(para)
            continue
        elif not para.table and ATTACHMENT_LIST.match(text) and body_started:
            regions.append(Region("L", "附件列表", "附件", "list"))
            stack = []
        elif current and current.kind == "list" and para.table:  # "附件：重点任务分工表" and then the table
            # itself, with no "附件" heading of its own: the attachment begins
            prefix, id_prefix = "附件 ", "A."
            caption = current.paras.pop() if len(current.paras) > 1 and is_title_like(current.paras[-1].text) else None
            regions.append(Region("A", "附件", "附件", "attachment"))
            stack = [regions[-1]]
            regions[-1].paras.extend([p for p in (caption, para) if p])  # the table's title goes with it
            continue
        elif current and current.kind == "list" and (mk is None or mk[0] == "item"):
            current.paras.append(para)
            continue
        elif mk and mk[0] == "attachment":
            number, word = mk[1], "附表" if squash(text).startswith("附表") else "附件"  # as the document says
            key = f"{'T' if word == '附表' else 'A'}{number}"
            prefix, id_prefix = f"{word}{number} ", f"{key}."
            region = Region(key, f"{word}{number}", f"{word}{number}", "attachment")
            regions.append(region)
            stack = [region]
            body_started = True
        elif mk:
            kind, number = mk
            level = LEVEL[kind]
            while stack and stack[-1].level >= level:
                stack.pop()
            parent = stack[-1] if stack else None
            region = Region(
                clause_id=(parent.clause_id + "." if parent else id_prefix) + ID_LETTER[kind] + str(cn_to_int(number)),
                label=child_label(parent.label if parent and parent.level >= 0 else prefix.strip(), parent, kind, number),
                heading=((parent.heading + " > ") if parent else "") + clause_title(text),
                kind="text", parent=parent.clause_id if parent else "", level=level,
            )
            regions.append(region)
            stack.append(region)
            body_started = True
        elif not body_started:
            if not regions:
                regions.append(Region("N", "通知", "通知", "notice"))
            if fold(text) == title_key and regions[-1].kind == "notice":
                regions.append(Region("P", "引言", text, "intro"))
                continue
        if not regions:
            regions.append(Region("P", "引言", title, "intro"))
        regions[-1].paras.append(para)
    out, seen, repeats = [], set(), {}
    for r in regions:
        if not r.paras:
            continue
        if r.clause_id in seen:  # numbering that restarts or repeats: base~2, base~3, … in O(1) each
            base = r.clause_id
            repeats[base] = repeats.get(base, 1) + 1
            r.clause_id = f"{base}~{repeats[base]}"  # '~' never occurs in a generated id: no clash
        seen.add(r.clause_id)
        text = "\n".join(p.text for p in r.paras)
        page = next((p.page for p in r.paras if p.page is not None), None)
        out.append((Clause(doc_id=doc_id, clause_id=r.clause_id, label=r.label, heading=r.heading,
                           text=text, page=page, parent=r.parent, kind=r.kind), r.paras))
    return out


def child_label(base: str, parent: Region | None, kind: str, number: str) -> str:
    """Printed label of a new clause below `base` (五 + item 8 -> 五、8)."""
    if kind in ("chapter", "article"):
        return (base + " " if base.startswith(("附件", "附表")) else "") + f"第{number}{'' if kind == 'chapter' else '条'}"
    own = {"section": number, "subsection": f"（{number}）", "item": number, "subitem": f"（{number}）"}[kind]
    if not base:
        return own
    if kind == "item" and parent is not None and parent.kind != "attachment" and not base.endswith("）"):
        return f"{base}、{own}"
    after_unit = base.endswith(("章", "部分", "节")) and base.startswith("第")  # 第一部分 一
    sep = " " if after_unit or (base.startswith(("附件", "附表")) and parent is not None and parent.kind == "attachment") else ""
    return f"{base}{sep}{own}"
