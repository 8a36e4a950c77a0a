"""Aliases of districts and departments, learnt from the documents themselves.

Table headers print short district names (开发区, 旅度区, 周市); the body text
names them in full (昆山开发区, 旅游度假区, 周市镇 only in users' questions).
Each canonical name (as printed in the header) maps to every form found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PLACE_SUFFIXES = ("经济开发区", "开发区", "高新区", "度假区", "街道", "镇", "区")
DEPT_PREFIXES = ("市委", "市")
# Other names of municipal bureaus in general Chinese administrative usage (full and
# colloquial forms); the forms printed in a document are learnt from the document.
DEPT_OTHER_NAMES = {
    "工信局": ("工业和信息化局",), "发改委": ("发展和改革委员会", "发改局"), "科技局": ("科学技术局",),
    "人社局": ("人力资源和社会保障局",), "市场监管局": ("市场监督管理局", "市监局"),
    "金融办": ("金融工作办公室", "金融监管局"), "人才办": ("人才工作领导小组办公室",),
}
# Abbreviations common in industrial policy, expanded in questions before matching.
TERM_ABBREVIATIONS = {"高企": "高新技术企业", "规上": "规模以上"}


def city_of(*texts: str) -> str:
    """'昆山' from '昆山市人民政府办公室' or a title starting with '昆山市'."""
    for text in texts:
        m = re.match(r"([\u4e00-\u9fff]{2,3}?)市", text or "")
        if m:
            return m.group(1)
    return ""


def place_aliases(scopes: Iterable[str], text: str, city: str) -> dict[str, list[str]]:
    """Every written form of each district column found in `text`.

    花桥 -> 花桥经济开发区 (suffix), 开发区 -> 昆山开发区 (city prefix),
    旅度区 -> 旅游度假区 (abbreviation as a subsequence), 周市 -> 周市镇.
    """
    prefix = f"(?:{re.escape(city)})?" if city else ""
    suffixes = "|".join(PLACE_SUFFIXES)
    out: dict[str, list[str]] = {}
    for scope in scopes:
        loose = ".{0,2}".join(map(re.escape, scope))
        found = re.findall(rf"{prefix}{re.escape(scope)}(?:{suffixes})?|{prefix}{loose}", text)
        forms = {scope, *(f for f in found if len(f) <= len(scope) + len(city) + 5)}
        if len(scope) == 2 and not scope.endswith("区"):
            forms.add(scope + "镇")
        forms |= {f[len(city):] for f in forms if city and f.startswith(city) and len(f) > len(city) + 1}
        out[scope] = sorted(forms, key=lambda f: (len(f), f))
    return out


def short_places(text: str) -> list[str]:
    """Short district names (陆家 from 陆家镇) to split run-together table headers."""
    found = re.findall(r"(?:^|[、，,和与及])([\u4e00-\u9fff]{2})(?:镇|街道)", text)
    return sorted({name for name in found if not name.startswith("各") and not name.endswith("区")})


def dept_aliases(departments: Iterable[str], city: str) -> dict[str, list[str]]:
    """市科技局 -> [市科技局, 科技局, 市科学技术局, 科学技术局]."""
    out: dict[str, list[str]] = {}
    for dept in departments:
        forms = [dept]
        core = dept
        for prefix in (city, *DEPT_PREFIXES):
            if prefix and core.startswith(prefix) and len(core) - len(prefix) >= 2:
                core = core[len(prefix):]
                break
        forms.append(core)
        for other in DEPT_OTHER_NAMES.get(core, ()):
            forms += [other, dept.replace(core, other)]
        out[dept] = sorted(set(forms), key=lambda f: (len(f), f))
    return out


def userdict_lines(names: Iterable[str]) -> list[str]:
    """jieba user dictionary lines: every name kept as one word."""
    return [f"{name} 100000 nz" for name in sorted(set(names)) if len(name) >= 2 and " " not in name]
