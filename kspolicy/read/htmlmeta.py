"""Metadata of a saved government web page: title, 文号, issuer and date.

Sources, best first: the page's information table (名称/标题, 文号/发文字号, 发布机构/发文机关,
成文日期, 发布日期 — as table cells, as "label：value" spans, in any layout), the meta tags
government sites carry (ArticleTitle, PubDate, ContentSource), the first heading, and
the <title> with the site name removed. A 文号 standing on its own line at the top of
the body counts as well, and so does the date the body is signed (成文日期) when the page
gives none. Keys follow `Loaded.hints`: title, doc_number, issuer, date, and effective and
expires where the page states them (实施日期, 失效日期).
"""

from __future__ import annotations

import re

from ..models import Line
from ..text import DATE, DOC_NUMBER, iso_date, marker, normalize_doc_number, squash

LABELS = {
    "title": ("名称", "标题", "文件名称"),
    "doc_number": ("文号", "发文字号", "发文文号"),
    "issuer": ("发布机构", "发布机关", "发文机关", "发文单位", "发布单位"),
    "written": ("成文日期", "成文时间", "发文日期"),
    "published": ("发布日期", "发布时间", "公开日期"),
    "source": ("来源", "信息来源", "文章来源"),
    "effective": ("实施日期", "生效日期", "施行日期"),
    "expires": ("失效日期", "废止日期"),
}
LABEL = re.compile(
    r"^\s*(" + "|".join(r"\s*".join(word) for words in LABELS.values() for word in words) + r")\s*(?:[:：]\s*(.*))?$",
    re.S)
LABEL_KEY = {word: key for key, words in LABELS.items() for word in words}
# Further labels of an information table, read by nobody but telling the table apart from the text.
INFO_LABEL = re.compile(r"^\s*(?:索\s*引\s*号|分\s*类|主题分类|主\s*题\s*词|体裁分类|统一编号|文件状态|有\s*效\s*性)\s*[:：]")
ISO = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
DECORATION = re.compile(r"^(?:\s*(?:【[^】]{1,8}】|[（(]转载[)）]|\[[^\]]{1,8}\]))+")
SITE_SUFFIX = re.compile(r"\s*[-_|]+\s*[^-_|]*(?:网站|门户网|政府网|网|平台)\s*$")  # not "——": titles use it
SELF_SOURCE = {"本网", "本站", "本网站", "原创"}
REPRINT = re.compile(r"^\s*[（(【\[]\s*转载\s*[)）】\]]")
ISSUER_BEFORE_ABOUT = re.compile(r"^(.{2,60}?(?:局|厅|委|会|府|办|室|院|部|处|中心|部门|社|署|所))\s*关于")


def iso(text: str) -> str:
    m = ISO.search(text or "")
    if not m:
        return ""
    year, month, day = (int(g) for g in m.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else ""


def clean_title(text: str) -> str:
    """"【关注】X-某某网站" -> "X": site name and column tags are not part of the title."""
    text = squash(text or "")
    text = SITE_SUFFIX.sub("", text) if len(SITE_SUFFIX.sub("", text)) >= 4 else text
    return DECORATION.sub("", text).strip()


def meta_tags(root) -> dict[str, str]:
    return {m.get("name").lower(): re.sub(r"\s+", " ", m.get("content") or "").strip()
            for m in root.iter("meta") if m.get("name") and m.get("content")}


def fragments(root) -> list[str]:
    """Visible text pieces of the page body in document order (each text node on its own)."""
    body = root.find("body")
    return fragments_of(body if body is not None else root)


def fragments_of(root) -> list[str]:
    pieces = []
    for el in root.iter():
        for text in (el.text if isinstance(el.tag, str) else None, el.tail if el is not root else None):
            text = (text or "").replace("\xa0", " ").replace("\u3000", " ").strip()
            if text:
                pieces.append(text)
    return pieces


def info_table(root) -> dict[str, str]:
    """label -> value from "名称：…" pairs; the first valid value of each key wins."""
    found: dict[str, str] = {}
    pieces = fragments(root)
    for i, piece in enumerate(pieces):
        m = LABEL.match(piece)
        if not m:
            continue
        key = LABEL_KEY[re.sub(r"\s", "", m.group(1))]
        value = (m.group(2) or "").strip()
        if not value and i + 1 < len(pieces) and not LABEL.match(pieces[i + 1]):
            value = pieces[i + 1]
        value = valid(key, value)
        if value and key not in found:
            found[key] = value
    return found


def drop_info_blocks(root) -> None:
    """Remove the information table (索引号：… 发布机构：… 文号：…): it is metadata, not text."""
    for el in list(root.iter("table", "ul", "dl")):
        if el.getparent() is None:
            continue
        pieces = fragments_of(el)
        labelled = sum(bool(INFO_LABEL.match(p) or (LABEL.match(p) and re.search("[:：]", p))) for p in pieces)
        if labelled >= 3 and labelled >= 0.3 * len(pieces):
            el.drop_tree()


def valid(key: str, value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    if key == "doc_number":
        return normalize_doc_number(value)
    if key in ("written", "published", "effective", "expires"):
        return iso(value)
    if key == "title":
        return value if len(value) >= 4 else ""
    if key == "issuer":
        value = re.sub(r"\s*[,，;；]\s*", "、", value)
    return value if 2 <= len(value) <= 60 and not LABEL.match(value) else ""


def first_heading(root) -> str:
    for tag in ("h1", "h2"):
        for el in root.iter(tag):
            text = squash(el.text_content())
            if len(text) >= 6:
                return text
    return ""


def page_hints(root) -> dict[str, str]:
    """What the page states about the document, before any text guess.

    The issuer is the page's 发布机构 unless the page is a reprint (（转载）: then that is the
    reprinting office), else the organs a "X关于…" title names, else the meta ContentSource.
    """
    meta, table = meta_tags(root), info_table(root)
    title_tag = root.find(".//title")
    titles = [t for t in (table.get("title"), meta.get("articletitle"), meta.get("dc.title"), first_heading(root),
                          title_tag.text_content() if title_tag is not None else "") if t and clean_title(t)]
    title = titles[0] if titles else ""
    reprint = any(REPRINT.match(t) for t in titles)
    about = ISSUER_BEFORE_ABOUT.match(DECORATION.sub("", re.sub(r"\s+", " ", title)).strip())
    sources = [meta.get("contentsource", ""), table.get("source", "")]
    hints = {
        "title": clean_title(title),
        "doc_number": table.get("doc_number", ""),
        "issuer": (None if reprint else table.get("issuer")) or (about.group(1).strip() if about else "")
        or next((re.sub(r"\s+", " ", s) for s in sources if s and s not in SELF_SOURCE), ""),
        "date": table.get("written", ""),
        "effective": table.get("effective", ""),
        "expires": table.get("expires", ""),
        "published": table.get("published") or iso(meta.get("pubdate", "")),
    }
    return {k: v for k, v in hints.items() if v}


def body_hints(lines: list[Line], hints: dict[str, str]) -> dict[str, str]:
    """Complete the page's hints from the body: a 文号 on its own line before the first
    clause marker (穗卫函〔2023〕1930号), the date the document was signed (成文日期) when the
    page gives none, else the page's publication date."""
    hints = dict(hints)
    published = hints.pop("published", "")
    if not hints.get("doc_number"):
        for line in lines[:15]:
            if line.table or marker(line.text):
                break
            text = squash(line.text)
            if DOC_NUMBER.search(text) and len(text) <= 25 and "《" not in text:
                hints["doc_number"] = normalize_doc_number(text)
                break
    if not hints.get("date"):
        signed = next((iso_date(line.text) for line in lines
                       if not line.table and DATE.fullmatch(squash(line.text))), "")
        if signed or published:
            hints["date"] = signed or published
    return hints
