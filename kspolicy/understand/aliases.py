"""Aliases of districts and departments, learnt from the documents themselves.

Table headers print short district names (开发区, 旅度区, 周市); the body text
names them in full (昆山开发区, 旅游度假区, 周市镇 only in users' questions).
Each canonical name (as printed in the header) maps to every form found. Unit
names are qualified by the issuing city: Kunshan's 市科技局 is also written
昆山市科技局, Guangzhou's 广州市科技局. Other names of bureaus and abbreviations
of terms are vocabulary (vocab/names.toml).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .vocab import Vocabulary, load_vocabulary

CITY_GOVERNMENT = re.compile(r"(?![局委办厅府室会心院])([\u4e00-\u9fff]{2,3}?)(市|区|县)(?:人民政府|委员会|政府办公室|人民政府办公室|"
                             r"卫生健康委员会|人力资源和社会保障局|财政局|民政局|医疗保障局|[\u4e00-\u9fff]{2,8}局)")
LEVEL = re.compile(r"(?![局委办厅府室会心院])([\u4e00-\u9fff]{2,3}?)(市|区|县)(?=[\u4e00-\u9fff]{2,3}?(?:市|区|县)|人民政府|委员会|政府|"
                   r"[\u4e00-\u9fff]{0,10}(?:局|委|办|厅|办公室))")
ADMIN_ENDINGS = ("街道", "区", "县", "市", "镇", "乡")  # 邗江区 is also written 邗江
NOT_CITY = {"中华", "人民", "各区", "各市", "全市", "本市", "我市", "有关", "省"}


def city_of(issuer: str, title: str, body: str = "") -> str:
    """The issuing city or district: '昆山' from '昆山市人民政府办公室', '吴江区' from
    '苏州市吴江区人民政府' (the most specific level named).

    Read from the issuer, the title, then the most frequent government name in the text.
    """
    for text in (issuer, title):
        levels = [m for m in LEVEL.finditer(text or "") if m.group(1) not in NOT_CITY]
        if levels and (len(levels) > 1 or m_start_ok(text, levels[0])):
            last = levels[-1]
            return last.group(1) + ("" if last.group(2) == "市" else last.group(2))
    found: Counter[str] = Counter()
    for m in CITY_GOVERNMENT.finditer(body):  # "…委员会广州市人民政府": count every reading, the real one recurs
        name, level = m.group(1), m.group(2)
        for start in range(len(name) - 1):
            candidate = name[start:]
            if candidate not in NOT_CITY and not candidate.startswith(("各", "本", "我", "全")):
                found[candidate + ("" if level == "市" else level)] += 1
    return max(found, key=lambda c: (found[c], -len(c))) if found else ""


def m_start_ok(text: str, m: re.Match[str]) -> bool:
    """A single level name counts only at the start ("昆山市人民政府…", not "…关于昆山市的通知")."""
    return m.start() == 0


def place_aliases(scopes: Iterable[str], text: str, city: str,
                  vocab: Vocabulary | None = None) -> dict[str, list[str]]:
    """Every written form of each district column found in `text`.

    花桥 -> 花桥经济开发区 (suffix), 开发区 -> 昆山开发区 (city prefix),
    旅度区 -> 旅游度假区 (abbreviation as a subsequence), 周市 -> 周市镇.
    """
    vocab = vocab or load_vocabulary()
    prefix = f"(?:{re.escape(city)}市?)?" if city else ""
    suffixes = vocab.alternation(vocab.place_suffixes)
    out: dict[str, list[str]] = {}
    for scope in scopes:
        loose = ".{0,2}".join(map(re.escape, scope))
        found = re.findall(rf"{prefix}{re.escape(scope)}(?:{suffixes})?|{prefix}{loose}", text)
        forms = {scope, *(f for f in found if len(f) <= len(scope) + len(city) + 6)}
        if len(scope) == 2 and not scope.endswith(("区", "县")):
            forms.add(scope + "镇")
        if scope.endswith("区") and len(scope) >= 3 and city:
            forms.add(city + scope)  # 高新区 -> 昆山高新区
        kind = any(scope.endswith(k) for k in vocab.place_suffixes if len(k) > 1 and k != "街道")  # 开发区 is no name
        short = "" if kind else next((scope[: -len(e)] for e in ADMIN_ENDINGS
                                      if scope.endswith(e) and len(scope) - len(e) >= 2), "")
        if short and short not in ("全市", "全区", "全县"):
            forms.add(short)  # 邗江区 -> 邗江, 高邮市 -> 高邮
        forms |= {other for name, others in vocab.place_names.items() if name in scope
                  for other in (scope.replace(name, o) for o in others)}  # 经济技术开发区 -> 经开区
        forms |= {f.removeprefix(city + "市").removeprefix(city) for f in forms if city and f.startswith(city)}
        out[scope] = sorted((f for f in forms if len(f) >= 2), key=lambda f: (len(f), f))
    return out


def short_places(text: str) -> list[str]:
    """Short district names (陆家 from 陆家镇) to split run-together table headers."""
    found = re.findall(r"(?:^|[、，,和与及])([\u4e00-\u9fff]{2})(?:镇|街道)", text)
    return sorted({name for name in found if not name.startswith("各") and not name.endswith("区")})


def dept_aliases(departments: Iterable[str], city: str, vocab: Vocabulary | None = None) -> dict[str, list[str]]:
    """市科技局 -> [市科技局, 科技局, 市科学技术局, 科学技术局, 昆山市科技局, …].

    A form that is only an ending ("政府" of 市政府) names no unit. A placeholder unit is
    recognised by the units it lists ("各街道办事处（镇人民政府）" by 街道办事处, 镇人民政府 and their
    other names 街道办, 镇政府), never by a level alone ("各区、县级市")."""
    vocab = vocab or load_vocabulary()
    out: dict[str, list[str]] = {}
    for dept in departments:
        if not dept:
            continue
        if dept.startswith("各"):
            parts = [p for p in re.split(r"[（）()、，,和及与]", dept[1:]) if p.endswith(vocab.dept_endings)
                     and p not in vocab.dept_endings]
            forms = [dept, *parts, *(o for p in parts for o in other_forms(p, vocab))]
            if parts:
                out[dept] = sorted(set(forms), key=lambda f: (len(f), f))
            continue
        forms = [dept]
        core = dept
        for prefix in (city + "市", city, *sorted(vocab.dept_levels, key=len, reverse=True)):  # 市委 before 市
            if prefix and core.startswith(prefix) and len(core) - len(prefix) >= 2:
                core = core[len(prefix):]
                break
        if core not in vocab.dept_endings:
            forms.append(core)
        level = dept[: len(dept) - len(core)]
        for other in vocab.other_names.get(core, ()):
            forms += [other, level + other]
        forms += other_forms(dept, vocab)
        if city and level in ("市", "区", "县"):
            forms += [f"{city}{level}{name}" if not city.endswith(level) else f"{city}{name}"
                      for name in {core, *vocab.other_names.get(core, ()), *other_forms(core, vocab)}]
        out[dept] = sorted(set(f for f in forms if len(f) >= 2 and f not in vocab.dept_endings),
                           key=lambda f: (len(f), f))
    return out


DECLARED = re.compile(r"([\u4e00-\u9fff]{4,30})[（(]以下(?:简称|称)[“\"]?([\u4e00-\u9fff]{2,15})[”\"]?[)）]")


def declared_short_names(text: str, units: Iterable[str], vocab: Vocabulary | None = None) -> dict[str, list[str]]:
    """Short names a document declares for its units: "中国南方人才市场管理委员会办公室（以下简称南方人才市场
    管委办）" -> {full: [short]}. The full name is the longest unit of `units` ending the text before the
    note, else that text when it ends as a unit does."""
    vocab = vocab or load_vocabulary()
    names = sorted(set(units), key=len, reverse=True)
    out: dict[str, list[str]] = {}
    for m in DECLARED.finditer(text):
        before, short = m.group(1), m.group(2)
        full = next((u for u in names if before.endswith(u) and len(u) > len(short)), "")
        if not full and before.endswith(vocab.dept_endings) and short.endswith(vocab.dept_endings):
            full = re.sub(r"^(?:会同|由|和|与|及|向|对|将|把)+", "", before)  # "由广州市人力资源…局": the unit
        if full and full != short:
            out.setdefault(full, []).append(short)
    return out


def other_forms(unit: str, vocab: Vocabulary) -> list[str]:
    """Other names by a unit's ending: 镇人民政府 -> 镇政府, 街道办事处 -> 街道办 (names.toml [endings])."""
    return [unit[: -len(end)] + short for end, shorts in vocab.other_endings.items() if unit.endswith(end)
            and len(unit) > len(end) for short in shorts]


def userdict_lines(names: Iterable[str]) -> list[str]:
    """jieba user dictionary lines: every name kept as one word."""
    return [f"{name} 100000 nz" for name in sorted(set(names)) if len(name) >= 2 and " " not in name]
