"""jieba tokenisation for BM25, with the index's own user dictionary (districts, departments).

Each index gets its own `jieba.Tokenizer`, so loading two indexes in one process
never mixes their dictionaries.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

STOPWORDS = frozenset(
    "的 了 和 与 及 是 在 由 对 为 有 哪些 哪个 什么 多少 几 要 请问 一下 吗 呢 啊 谁 "
    "怎么 如何 以及 或 等 个 其 该 这 那 中 上 下 从 到 将 被 把 给 向 于 之".split()
)
WORD = re.compile(r"[\w\u4e00-\u9fff]")


class Tokenizer:
    """`tokens(text)` -> search-mode jieba tokens without punctuation or stopwords."""

    def __init__(self, userdict: Path | None = None):
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        if userdict and userdict.exists():
            self._jieba.load_userdict(str(userdict))
        self._recent: dict[str, tuple[str, ...]] = {}  # a question is tokenised several times

    def tokens(self, text: str) -> tuple[str, ...]:
        """Tokens of `text`; short texts (questions) are remembered, safely across threads."""
        if len(text) > 200:
            return self._tokenise(text)
        found = self._recent.get(text)
        if found is None:
            if len(self._recent) > 512:
                self._recent = {}
            found = self._recent[text] = self._tokenise(text)
        return found

    def words(self, text: str) -> list[str]:
        """Precise-mode jieba words of `text`, every character kept (a question's own words)."""
        return self._jieba.lcut(text)

    def _tokenise(self, text: str) -> tuple[str, ...]:
        out = []
        for token in self._jieba.cut_for_search(text.lower()):
            token = token.strip()
            if not token or token in STOPWORDS or not WORD.search(token):
                continue
            if len(token) == 1 and not token.isascii():
                continue
            out.append(token)
        return tuple(out)
