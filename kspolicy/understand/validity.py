"""Whether a document is in force: 施行日期, 有效期 and the documents it repeals, read from its text.

"本办法自2024年6月1日起施行，有效期5年" -> effective 2024-06-01, expires 2029-05-31;
"自印发之日起施行" -> effective on the document's date; "有效期至2026年12月31日";
"《…》（穗府办规〔2019〕3号）同时废止" -> repeals. Status is computed when asked,
against today's date and the other documents in the library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..text import DATE, cn_to_int, iso_date, normalize_doc_number, squash
from .vocab import load_vocabulary

EFFECTIVE = re.compile(rf"自\s*(?P<date>{DATE.pattern}|(?:印发|发布|公布|颁布)之日)\s*起\s*(?:施行|实施|执行|生效)")
VALID_UNTIL = re.compile(rf"有效期(?:至|到|截至)\s*(?P<date>{DATE.pattern})")
VALID_FOR = re.compile(r"有效期(?:为|是)?\s*(?P<n>\d+|[一二三四五六七八九十]+)\s*年")
REPEALS = re.compile(r"(?P<what>(?:《[^《》]{2,80}》\s*(?:[（(][^（）()]{2,30}[)）])?[、和及，,]?\s*)+)(?:同时|一并)?(?:废止|停止执行|不再执行)")
STATUSES = ("现行有效", "已失效", "被替代", "未知")


@dataclass(frozen=True)
class Validity:
    effective: str  # ISO date or ''
    expires: str  # ISO date or ''
    repeals: tuple[str, ...]  # 《标题》（文号） as printed


def read_validity(text: str, issued: str, title: str = "") -> Validity:
    """Validity stated anywhere in `text`; `issued` (ISO) stands in for "自印发之日起". A sentence about
    another document ("《…实施细则》自2026年4月1日起施行" on a page of questions about it) is not read."""
    flat = squash(text)
    selves = tuple(f"本{k}" for k in (*load_vocabulary().document_kinds, "文件", "政策"))  # "本办法…有效期5年"
    sentences = [s for s in re.split(r"[。；;]", flat)
                 if any(w in s for w in selves) or not about_another(s, squash(title))]
    effective = ""
    m = EFFECTIVE.search("。".join(sentences))
    if m:
        effective = iso_date(m.group("date")) or issued
    expires = ""
    own = "。".join(s for s in sentences if EFFECTIVE.search(s) or s.lstrip("，, ").startswith("有效期")
                   or any(w in s for w in selves))  # the document's own period
    until = VALID_UNTIL.search(own)  # the document's own period, not "居住证有效期为1年" of a Q&A page
    if until:
        expires = iso_date(until.group("date"))
    else:
        span = VALID_FOR.search(own)
        start = effective or issued
        if span and start:
            first = date.fromisoformat(start)
            n = cn_to_int(span.group("n"))
            try:
                end = first.replace(year=first.year + n)
            except ValueError:  # 29 February
                end = first.replace(year=first.year + n, day=28)
            expires = (end - timedelta(days=1)).isoformat()
    repeals = tuple(dict.fromkeys(
        re.sub(r"[、和及，,]$", "", ref.strip()) for m in REPEALS.finditer(flat)
        for ref in re.findall(r"《[^《》]{2,80}》\s*(?:[（(][^（）()]{2,30}[)）])?", m.group("what"))))
    return Validity(effective, expires, repeals)


def status(expires: str, replaced: bool, known: bool, today: date) -> str:
    """现行有效 / 已失效 / 被替代 / 未知 of one document."""
    if replaced:
        return "被替代"
    if expires and date.fromisoformat(expires) < today:
        return "已失效"
    return "现行有效" if known else "未知"


def names(reference: str, doc_number: str, title: str) -> bool:
    """Whether `reference` (《标题》（文号）) names the document with this 文号 (else this title)."""
    number = normalize_doc_number(reference)
    if number:
        return number == doc_number
    printed = re.search(r"《([^《》]+)》", reference)
    return bool(printed) and squash(printed.group(1)) == squash(title)


def about_another(sentence: str, title: str) -> bool:
    """The sentence names a document in 《》 that is not this one (`title`) before its 施行 or 有效期."""
    stated = [m.start() for m in (EFFECTIVE.search(sentence), re.search("有效期", sentence)) if m]
    named = re.findall(r"《([^《》]{2,80})》", sentence[:min(stated)] if stated else "")
    return bool(named) and bool(title) and not any(n in title or title in n for n in named)
