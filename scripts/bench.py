"""Benchmarks, as ratios measured in one run (the machine is shared; absolute times drift).

1. full build: chunks/s of the whole pipeline against the encoder's raw chunks/s;
2. incremental: rebuild after adding one document against a full rebuild;
3. ask: p50/p95 latency in-process on the seed index against encoding the query
   alone (the floor).

Usage: python scripts/bench.py [--model NAME] [--docs N] [--rounds R]
       python scripts/bench.py --scale [options of scripts/bench_scale.py]   (issue 11: growth with size)
       python scripts/bench.py --scale --stores local,milvus --sizes 1000   (issue 12: both backends)
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kspolicy.answer.compose import ask  # noqa: E402
from kspolicy.index.chunk import document_chunks  # noqa: E402
from kspolicy.index.embed import load_embedder  # noqa: E402
from kspolicy.index.build import build  # noqa: E402
from kspolicy.understand.parse import parse_file  # noqa: E402
from kspolicy.answer.search import load_index  # noqa: E402

SEED = next((ROOT / "corpus").glob("*.txt"))


def make_corpus(folder: Path, n_docs: int) -> None:
    """The seed plus n-1 variants with their own titles and 文号 (distinct documents)."""
    folder.mkdir(parents=True)
    text = SEED.read_text(encoding="utf-8")
    shutil.copy(SEED, folder / SEED.name)
    for i in range(1, n_docs):
        (folder / f"variant_{i}.txt").write_text(
            text.replace("昆山市装备制造 产业创新集群建设实施意见", f"昆山市第{i}号产业集群实施意见")
                .replace("昆山市装备制造产业创新集群建设实施意见", f"昆山市第{i}号产业集群实施意见")
                .replace("昆政办发〔2022〕98号", f"昆政办发〔2023〕{i}号"), encoding="utf-8")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def questions(files) -> list[str]:
    return [json.loads(line)["q"] for f in sorted(files) for line in f.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def timed_asks(index, embedder, asked: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Seconds per answer and per query encoding, each question asked `rounds` times after one warm-up."""
    for q in asked:
        ask(index, q)  # warm caches
    answer, encode = [], []
    for _ in range(rounds):
        for q in asked:
            t = time.perf_counter()
            embedder.encode_query(q)
            encode.append(time.perf_counter() - t)
            t = time.perf_counter()
            ask(index, q)
            answer.append(time.perf_counter() - t)
    return answer, encode


def main() -> int:
    if "--scale" in sys.argv[1:]:
        sys.path.insert(0, str(ROOT / "scripts"))
        from bench_scale import main as scale

        return scale([a for a in sys.argv[1:] if a != "--scale"])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--docs", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    embedder = load_embedder(args.model)
    work = Path(tempfile.mkdtemp(prefix="kspolicy-bench-"))
    try:
        corpus, index_dir = work / "corpus", work / "index"
        make_corpus(corpus, args.docs)
        texts = [c.embed_text for p in sorted(corpus.iterdir())
                 for parsed in [parse_file(p, p.stem, "")] for c in document_chunks(parsed.clauses, parsed.tables)]
        embedder.encode(texts[:32])  # warm up
        started = time.perf_counter()
        embedder.encode(texts)
        encode_s = time.perf_counter() - started
        full = build(corpus, index_dir, embedder)
        (corpus / "added.txt").write_text(
            SEED.read_text(encoding="utf-8").replace("昆政办发〔2022〕98号", "昆政办发〔2024〕1号")
            .replace("昆山市装备制造产业创新集群建设实施意见", "昆山市新增文件实施意见"), encoding="utf-8")
        incremental = build(corpus, index_dir, embedder)
        shutil.rmtree(index_dir)
        rebuilt = build(corpus, index_dir, embedder)
        seed_corpus, seed_index = work / "seed", work / "seed-index"  # latency: on the seed index
        seed_corpus.mkdir()
        shutil.copy(SEED, seed_corpus / SEED.name)
        build(seed_corpus, seed_index, embedder)
        index = load_index(seed_index, embedder=embedder)
        asked = questions((ROOT / "tests" / "eval" / "seed").glob("*.jsonl"))
        answer, encode = timed_asks(index, embedder, asked, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = len(texts)
    rows = [
        ("full build", f"{full.seconds:.2f} s, {n / full.seconds:.0f} chunks/s",
         f"encoder alone {n / encode_s:.0f} chunks/s", f"{(n / full.seconds) / (n / encode_s):.2f}"),
        ("add one document", f"{incremental.seconds:.2f} s ({incremental.chunks_embedded} chunks embedded)",
         f"full rebuild {rebuilt.seconds:.2f} s", f"{incremental.seconds / rebuilt.seconds:.2f}"),
        ("ask p50", f"{1000 * statistics.median(answer):.1f} ms",
         f"query encoding p50 {1000 * statistics.median(encode):.1f} ms",
         f"{statistics.median(answer) / statistics.median(encode):.2f}"),
        ("ask p95", f"{1000 * percentile(answer, 0.95):.1f} ms",
         f"query encoding p95 {1000 * percentile(encode, 0.95):.1f} ms",
         f"{percentile(answer, 0.95) / percentile(encode, 0.95):.2f}"),
    ]
    print(f"model: {embedder.name}; build corpus: {args.docs} documents, {n} chunks; ask: seed index, "
          f"{len(asked)} questions × {args.rounds}")
    print("| measure | kspolicy | reference | ratio |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
