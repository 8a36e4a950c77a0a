"""Small pure helpers for Chinese policy text: joining, canonical forms, clause markers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CN_NUM = "零一二三四五六七八九十百"
TERMINAL = "。！？；：!?;:"
INNER_PUNCT = "，。、；：,;"

# Clause markers, most specific first. Each captures the printed number.
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # "附件 1", "附件", "附件2：任务分解表", "附表：各街道目标任务" (not the list "附件：1. …" at the end of the body)
    ("attachment", re.compile(r"^附\s*[件表]\s*([0-9０-９]*)\s*(?:[:：]\s*(?![0-9０-９]{1,2}\s*[.．、])\S.{0,40})?$")),
    ("article", re.compile(rf"^第([{CN_NUM}0-9]+)条")),
    ("chapter", re.compile(rf"^第([{CN_NUM}0-9]+(?:章|部分|节))")),  # the unit is part of the label
    ("section", re.compile(rf"^([{CN_NUM}]+)\s*、")),
    ("subsection", re.compile(rf"^[（(]\s*([{CN_NUM}]+)\s*[)）]")),
    ("item", re.compile(r"^([0-9０-９]{1,2})\s*[.．、](?![0-9])")),
    ("subitem", re.compile(r"^[（(]\s*([0-9０-９]{1,2})\s*[)）]")),
)

DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,8})\s*[〔\[（(【]\s*(\d{4})\s*[〕\]）)】]\s*(\d+)\s*号")
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def number(value: float) -> int | float:
    """4000.0 -> 4000: values are stored as floats and shown as printed."""
    return int(value) if float(value).is_integer() else value


def is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _wordish(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-.%")


def join_parts(a: str, b: str) -> str:
    """Join two fragments of one wrapped line; a space only between two ASCII words."""
    if not a or not b:
        return a + b
    if a[-1].isspace() or b[0].isspace():
        return a + b
    return a + (" " if _wordish(a[-1]) and _wordish(b[0]) else "") + b


def squash(text: str) -> str:
    """Canonical form: whitespace runs become one space, and go entirely next to non-ASCII characters.

    "累计产值规模超 100 亿元企业" and "累计产值规模超100亿元企业" compare equal, so
    facts read from a text file and from a PDF of it are identical.
    """
    text = re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()
    return re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", text)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Matching form: squash plus full-width/half-width and bracket folding (cached: names repeat)."""
    text = unicodedata.normalize("NFKC", squash(text))
    return text.replace("(", "（").replace(")", "）").replace(":", "：").replace(",", "，")


def marker(text: str) -> tuple[str, str] | None:
    """(kind, number) if the line starts with a clause marker, else None."""
    stripped = text.lstrip(" \u3000-•·")
    for kind, pattern in MARKERS:
        m = pattern.match(stripped)
        if m:
            return kind, unicodedata.normalize("NFKC", m.group(1))
    return None


def ends_terminal(text: str) -> bool:
    """The line ends a sentence: "…。", "…。”", and "…。（责任单位：市工信局）" too."""
    t = text.rstrip()
    while t and t[-1] in "”’」』)）":
        if t[-1] in ")）" and max(t.rfind("（"), t.rfind("(")) > 0:
            before = t[: max(t.rfind("（"), t.rfind("("))].rstrip()
            if before and before[-1] in TERMINAL:
                return True
        t = t[:-1].rstrip()
    return bool(t) and t[-1] in TERMINAL


def has_inner_punct(text: str) -> bool:
    return any(ch in INNER_PUNCT for ch in text)


def cn_to_int(num: str) -> int:
    """'十二' -> 12, '3' -> 3; enough for clause numbers."""
    if num.isdigit():
        return int(num)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    total, current = 0, 0
    for ch in num:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def normalize_doc_number(text: str) -> str:
    """'昆政办发[2022]98号' -> '昆政办发〔2022〕98号'."""
    m = DOC_NUMBER.search(text)
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号" if m else ""


def iso_date(text: str) -> str:
    m = DATE.search(text)
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""


# PDF producers (Chromium, some WPS exports) map CJK glyphs back to the look-alike
# radical code points, and the dash of 研发—制造 to ― (U+2015): 工 -> ⼯ (U+2F2F), 车 -> ⻋ (U+2ECB). Kangxi radicals fold
# with NFKC; the supplement block needs a table (Unicode EquivalentUnifiedIdeograph,
# simplified forms). ⼾ folds to 戶 under NFKC, but simplified text means 户.
RADICAL_SUPPLEMENT = dict(zip(
    "⺁⺂⺃⺄⺅⺆⺇⺉⺊⺋⺌⺎⺐⺒⺓⺔⺕⺖⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺥⺦⺧⺨⺩⺪⺫⺬⺭⺮⺯⺰⺱⺲⺶⺷⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆"
    "⻈⻉⻊⻋⻌⻍⻎⻏⻐⻑⻒⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "厂乛乚乙亻冂几刂卜㔾小兀尢巳幺彑彐忄扌攵旡日月歺母民氵氺灬爫爫丬牛犭王疋罒示礻竹糸纟罓罒羊羊耂肀聿肉臼艹艹艹虎衤覀西见角"
    "讠贝足车辶辶辶阝钅長镸长门阝雨青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾齐齿龙龟",
))
KANGXI_OVERRIDES = {"⼾": "户"}


def repair_glyphs(text: str) -> str:
    """Replace look-alike code points from PDF text: radicals (U+2E80–U+2FDF), ― for —."""
    text = text.replace("\u2015", "\u2014")
    if not any("\u2e80" <= ch <= "\u2fdf" for ch in text):
        return text
    out = []
    for ch in text:
        if "\u2f00" <= ch <= "\u2fdf":
            ch = KANGXI_OVERRIDES.get(ch) or unicodedata.normalize("NFKC", ch)
        elif "\u2e80" <= ch <= "\u2eff":
            ch = RADICAL_SUPPLEMENT.get(ch, ch)
        out.append(ch)
    return "".join(out)
