"""Read a saved web page (.html/.htm): the article body as lines, the page's metadata as hints.

The body is found by content density, not by per-site rules: every block of Chinese
prose scores its container (and, less, the containers above), a container's score is
discounted by the share of its text inside links, and the best container wins; class
and id names such as "article"/"content" or "footer"/"share" only nudge the score.
Inside the winner, link lists and tool bars (share, print, font size) are dropped.
Title, 文号, issuer and date come from the page's meta tags and its information table
(名称/文号/发布机构/成文日期/发布日期), see `htmlmeta`.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.etree
import lxml.html

from ..models import Loaded
from .htmlmeta import body_hints, drop_info_blocks, page_hints
from .htmltext import BLOCK, element_lines, tag_of
from .ingest import IngestError

DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
        "select", "button", "input", "textarea", "audio", "video", "map")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
GOOD_NAME = re.compile(r"article|content|zoom|detail|text|main|body|editor|union|xxgk|zw|wz", re.I)
BAD_NAME = re.compile(r"foot|header|menu|nav|crumb|share|print|tool|side|related|xgxw|comment|search|"
                      r"login|link|banner|copyright|relevant|recommend|qrcode|ewm|bshare|pagination", re.I)
PAGER = re.compile(r"上一页|下一页|首页|尾页|末页|最后一页|第一页|共\s*\d+\s*页|第\s*\d+\s*页")
PROSE_PUNCT = "，。；：！？、,;"
DOCUMENT_LINK = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|et|ofd|zip|rar|txt)(?:$|[?#])", re.I)
GB_NAMES = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn"}


def decode_html(data: bytes) -> str:
    """The declared charset (<meta charset>) first, then UTF-8, then GB18030."""
    if not data.strip():
        raise IngestError("文件为空")
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", data[:4096], re.I)
    declared = m.group(1).decode("ascii").lower() if m else ""
    declared = "gb18030" if declared in GB_NAMES else declared
    for encoding in dict.fromkeys(e for e in (declared, "utf-8", "gb18030") if e):
        try:
            return data.decode("utf-8-sig" if encoding in ("utf-8", "utf8") else encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise IngestError("无法识别网页编码（不是 UTF-8 或 GBK/GB18030）")


def parse_page(text: str):
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text.replace("\x00", ""))
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise IngestError(f"无法解析网页（{type(exc).__name__}）") from None
    return root


def is_hidden(el) -> bool:
    return (el.get("hidden") is not None or el.get("aria-hidden") == "true"
            or bool(HIDDEN_STYLE.search(el.get("style") or "")))


def clean(root) -> None:
    """Drop what a reader never sees: scripts, styles, comments, form controls, hidden elements.

    <html> and <body> stay even when hidden: pages hide the body until a script has run.
    """
    for el in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        el.drop_tree()
    for el in list(root.iter()):
        if el.getparent() is not None and tag_of(el) != "body" and (
                tag_of(el) in DROP or (isinstance(el.tag, str) and is_hidden(el))):
            el.drop_tree()


def cjk_count(text: str) -> int:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def inline_text(el, links: bool = False) -> str:
    """Text of `el` outside nested blocks (and outside links unless `links`)."""
    parts = [el.text or ""] if links or tag_of(el) != "a" else []
    for child in el:
        if tag_of(child) not in BLOCK:
            parts.append(inline_text(child, links))
        parts.append(child.tail or "")
    return "".join(parts)


def prose_score(text: str) -> float:
    """How much a block reads like sentences: its commas and full stops, and its length."""
    chars = cjk_count(text)
    if chars < 10:
        return 0.0
    return 1 + sum(text.count(p) for p in PROSE_PUNCT) + min(chars / 50, 3)


def link_density(el) -> float:
    total = len(re.sub(r"\s", "", el.text_content()))
    links = sum(len(re.sub(r"\s", "", a.text_content())) for a in el.iter("a"))
    return links / total if total else 1.0


def name_weight(el) -> float:
    return 25.0 * bool(GOOD_NAME.search(names(el))) - 25.0 * bool(BAD_NAME.search(names(el)))


def score_containers(root, links: bool = False) -> dict:
    """Readability-style scores: each prose block credits its ancestors (parent fully, then less).

    Link text counts against a container, unless `links` (a page that is a list of links).
    """
    scores: dict = {}
    for el in root.iter():
        if tag_of(el) not in BLOCK or tag_of(el) in ("html", "body"):
            continue
        points = prose_score(inline_text(el, links))
        if not points:
            continue
        node, level = el.getparent(), 0
        while node is not None and level < 4 and tag_of(node) != "html":
            if node not in scores:
                scores[node] = name_weight(node)
            scores[node] += points / (1 if level == 0 else 2 if level == 1 else level * 3)
            node, level = node.getparent(), level + 1
    return {el: score if links else score * (1 - link_density(el)) for el, score in scores.items()}


def best_container(scores: dict) -> list:
    """The top container, with siblings that carry prose too (a body split over divs)."""
    top = max(scores, key=scores.get)
    parent = top.getparent()
    if parent is None:
        return [top]
    limit = max(10.0, scores[top] * 0.2)
    return [sibling for sibling in parent if sibling is top or scores.get(sibling, 0) >= limit
            or (isinstance(sibling.tag, str) and is_content(sibling))]


def is_content(el) -> bool:
    """A sibling of the article container that belongs to the article: prose, a data table
    (the 附表 of a regulation often sits in a box of its own) or attachment links."""
    if BAD_NAME.search(names(el)) or not cjk_count(el.text_content()):
        return False
    if any(DOCUMENT_LINK.search(a.get("href", "")) for a in el.iter("a")):
        return True
    tables = any(len(t.findall(".//tr")) >= 2 for t in el.iter("table"))
    return link_density(el) < 0.25 and (tables or prose_score(inline_text(el)) >= 5)


def names(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def strip_boilerplate(el, link_lists: bool = True) -> None:
    """Inside the body: drop tool bars, pagers and (if `link_lists`) lists of links; keep attachment links."""
    for child in list(el.iter()):
        if child is el or child.getparent() is None or not isinstance(child.tag, str) or tag_of(child) in (
                "a", "td", "tr", "th", "tbody", "thead"):
            continue
        links = [a.get("href", "") for a in child.iter("a")]
        if any(DOCUMENT_LINK.search(h) for h in links):
            continue
        text = child.text_content()
        if (BAD_NAME.search(names(child)) and (prose_score(text) < 5 or link_density(child) > 0.5)) or (
                PAGER.search(text) and not cjk_count(PAGER.sub("", text))):
            child.drop_tree()
        elif (link_lists and links and tag_of(child) in BLOCK and link_density(child) > 0.5
              and cjk_count(text) < 400):
            child.drop_tree()


def body_lines(root) -> list:
    """Lines of the article; a page without prose (a list of links) gives its densest list."""
    body = root.find("body") if root.find("body") is not None else root
    scores = score_containers(body)
    if scores and max(scores.values()) >= 3:
        chosen = best_container(scores)
        for el in chosen:
            strip_boilerplate(el)
    else:
        scores = {el: s for el, s in score_containers(body, links=True).items() if not BAD_NAME.search(names(el))}
        chosen = best_container(scores) if scores else [body]
        for el in chosen:
            strip_boilerplate(el, link_lists=False)
    return [line for el in chosen for line in element_lines(el)]


def html_lines(path: Path) -> Loaded:
    """Article lines of a saved web page, with its title/文号/issuer/date as hints."""
    root = parse_page(decode_html(path.read_bytes()))
    clean(root)
    hints = page_hints(root)
    drop_info_blocks(root)
    lines = body_lines(root)
    if not lines:
        raise IngestError("网页中没有正文文字")
    return Loaded(lines, None, body_hints(lines, hints))
