"""What kind of answer a question wants, learnt from labelled questions (no regex chain).

A logistic-regression classifier over character 1–3-grams of the question, after
names are replaced by their kind (a department -> Ｄ, a district or town -> Ｐ, a year
-> Ｙ, a number -> Ｎ), so "市科协牵头负责的是哪个项目" and "市财政局参与哪些重点任务"
look alike. It is trained once per process (under a second) from `intents.tsv`, which
`scripts/train_intents.py` writes from the labelled question sets in tests/eval; its
accuracy is measured by cross-validation and on question sets it was not trained on
(README: 评测).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..text import fold

DATA = Path(__file__).with_name("intents.tsv")
INTENTS = ("responsibility", "target", "department_tasks", "district_targets", "passage")
DEPARTMENT = re.compile(r"(?:[市区县省]|团市委|市委)[\u4e00-\u9fff]{1,10}?(?:局|委|办|厅|中心|部|处|院|会|联|协|政府|公司)"
                        r"(?=[^\u4e00-\u9fff]|[牵负承参要在都的是干管有主分涉具这哪里]|$)|"
                        r"[\u4e00-\u9fff]{1,6}?(?:局|委|处|办)(?=[牵负承参要在都的是干管有主分涉])")
PLACE = re.compile(r"[\u4e00-\u9fff]{2,4}(?:镇|街道|开发区|高新区|度假区|新区|园区)|(?<![市各])[\u4e00-\u9fff]{2,3}区(?=[^\u4e00-\u9fff]|的|[0-9])")
YEAR = re.compile(r"(?:19|20)\d{2}\s*年?")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def normalise(question: str, names: dict[str, str] | None = None) -> str:
    """The question with names replaced by their kind; `names` maps known written forms to a kind."""
    text = fold(question)
    for form, kind in sorted((names or {}).items(), key=lambda item: -len(item[0])):
        text = text.replace(fold(form), kind)
    text = YEAR.sub("Ｙ", text)
    text = NUMBER.sub("Ｎ", text)
    text = DEPARTMENT.sub("Ｄ", text)
    return PLACE.sub("Ｐ", text)


def features(text: str) -> Counter:
    padded = f"^{text}$"
    return Counter(padded[i:i + n] for n in (1, 2, 3) for i in range(len(padded) - n + 1))


@dataclass(frozen=True)
class Classifier:
    """Multinomial logistic regression over binary character n-gram features (L2-normalised)."""

    vocabulary: dict[str, int]
    weights: np.ndarray  # (features, intents)
    bias: np.ndarray
    intents: tuple[str, ...]

    def vector(self, text: str) -> np.ndarray:
        x = np.zeros(len(self.vocabulary), dtype=np.float32)
        for gram in features(text):
            if gram in self.vocabulary:
                x[self.vocabulary[gram]] = 1.0
        return x / max(float(np.linalg.norm(x)), 1e-9)

    def predict(self, text: str) -> str:
        return self.intents[int(np.argmax(self.vector(text) @ self.weights + self.bias))]


def train(examples: list[tuple[str, str]], epochs: int = 400, rate: float = 2.0, l2: float = 1e-3) -> Classifier:
    """Fit by full-batch gradient descent (deterministic); n-grams seen once are dropped."""
    counts = Counter(g for text, _ in examples for g in features(text))
    vocabulary = {g: i for i, g in enumerate(sorted(g for g, n in counts.items() if n >= 2))}
    intents = tuple(sorted({intent for _, intent in examples}))
    empty = Classifier(vocabulary, np.zeros((len(vocabulary), len(intents)), np.float32), np.zeros(len(intents)), intents)
    x = np.stack([empty.vector(text) for text, _ in examples])
    y = np.eye(len(intents), dtype=np.float32)[[intents.index(i) for _, i in examples]]
    weights, bias = empty.weights, empty.bias
    for _ in range(epochs):
        z = x @ weights + bias
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        gradient = (p - y) / len(x)
        weights = weights - rate * (x.T @ gradient + l2 * weights)
        bias = bias - rate * gradient.sum(axis=0)
    return Classifier(vocabulary, weights, bias, intents)


def read_examples(path: Path = DATA) -> list[tuple[str, str]]:
    """(normalised question, intent) pairs from a TSV of intent<TAB>question."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            intent, question = line.split("\t", 1)
            out.append((normalise(question), intent))
    return out


@lru_cache(maxsize=1)
def default_classifier() -> Classifier:
    return train(read_examples())
