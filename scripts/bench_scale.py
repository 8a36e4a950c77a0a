"""Scale benchmark (issue 11): what builds and questions cost as the library grows.

Libraries of 10^2, 10^3 and 10^4 documents (the seed and ../shared/realdocs, every copy with its
own title and 文号, generated in a temporary folder) are built with a cheap hashing embedder (the
index's own costs) and, at the smallest size, with the default encoder too. For each: full build,
adding one document, removing it, a build with nothing changed, index size, peak RSS of build
and of ask, load time, ask p50/p95 against query encoding. Search is then timed on the real
library grown with synthetic chunks (bench_synthetic.py) up to 10^6 chunks, and the approximate
vector index's recall@10 against exact search is measured on real embeddings (default encoder).
Each measure gets its growth exponent: the log-log slope from the smallest size to the largest.

Usage: python scripts/bench.py --scale [--sizes 100,1000,10000] [--chunks 10000,100000,1000000]
                                       [--rounds 3] [--work DIR]
       python scripts/bench.py --scale --stores local,milvus [--sizes 1000]   (issue 12: the two
           retrieval backends side by side on the same libraries; "milvus" is a Milvus Lite file in
           the work folder, or give a server URI such as http://localhost:19530)
Every build and every ask run is a child process, so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REALDOCS = ROOT.parent / "shared" / "realdocs"
QUESTIONS = sorted((ROOT / "tests" / "eval").rglob("*_questions.jsonl"))


def sources() -> list[Path]:
    found = sorted((ROOT / "corpus").glob("*.txt"))
    return found + sorted(p for sub in sorted(REALDOCS.iterdir()) if sub.is_dir() for p in sorted(sub.rglob("*"))
                          if p.is_file())


def variant(path: Path, copy: int) -> bytes:
    """The file with its title and 文号 made its own (copy 0: the file as it is)."""
    from kspolicy.understand.parse import parse_file

    raw = path.read_bytes()
    if copy == 0:
        return raw
    document = parse_file(path, path.stem, "").document
    text = raw.decode("utf-8", errors="surrogateescape")
    if document.doc_number:
        number = re.sub(r"(\d+)(\s*号)$", lambda m: f"{m.group(1)}{copy:05d}{m.group(2)}", document.doc_number)
        text = text.replace(document.doc_number, number)
    if document.title and len(document.title) >= 4:
        text = text.replace(document.title, f"{document.title}（{copy}）")
    text += f"\n<!-- {copy} -->\n" if path.suffix.lower() in (".html", ".htm") else "\n" * (copy + 1)
    return text.encode("utf-8", errors="surrogateescape")


def make_library(folder: Path, documents: int) -> Path:
    base = sources()
    cache: dict[tuple[Path, int], bytes] = {}
    for i in range(documents):
        source, copy = base[i % len(base)], i // len(base)
        target = folder / f"c{copy:05d}" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(cache.setdefault((source, copy), variant(source, copy)))
    return folder


def added_document(folder: Path, number: int) -> Path:
    seed = next((ROOT / "corpus").glob("*.txt"))
    path = folder / "新增" / f"新增文件{number}.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(seed.read_text(encoding="utf-8").replace("昆政办发〔2022〕98号", f"昆政办发〔2030〕{number}号")
                    .replace("昆山市装备制造产业创新集群建设实施意见", f"昆山市第{number}号新增实施意见"), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------ children


def embedder(model: str):
    from kspolicy.index.embed import hashing_embedder, load_embedder

    return hashing_embedder() if model == "hash" else load_embedder(None)


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def child_build(corpus: str, index: str, model: str, store: str = "") -> dict:
    from kspolicy.index.build import build
    from kspolicy.index.milvus import parse_store

    report = build(Path(corpus), Path(index), embedder(model), store=parse_store(store, Path.cwd()) if store else None)
    return {"seconds": report.seconds, "added": len(report.added), "removed": len(report.removed),
            "unchanged": len(report.unchanged), "skipped": len(report.skipped),
            "embedded": report.chunks_embedded, "rss_mb": peak_mb(), "worker_rss_mb": peak_mb(resource.RUSAGE_CHILDREN)}


def child_ask(index: str, model: str, rounds: str) -> dict:
    from bench import questions, timed_asks
    from kspolicy.answer.search import load_index

    encoder = embedder(model)
    started = time.perf_counter()
    loaded = load_index(Path(index), embedder=encoder)
    load_s = time.perf_counter() - started
    answer, encode = timed_asks(loaded, encoder, questions(QUESTIONS), int(rounds))
    return {"load_s": load_s, "chunks": len(loaded.chunks), "ask": answer, "encode": encode, "rss_mb": peak_mb()}


def child_grow(index: str, chunks: str) -> dict:
    from bench_synthetic import extend

    started = time.perf_counter()
    total = extend(Path(index), int(chunks))
    return {"chunks": total, "seconds": time.perf_counter() - started, "rss_mb": peak_mb()}


def child(kind: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'scripts'}"}
    done = subprocess.run([sys.executable, __file__, "--child", kind, *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} {args}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1])


# ------------------------------------------------------------------------------------ measures


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def size_mb(index: Path) -> float:
    """The current build's files, plus its Milvus Lite file when it has one."""
    folder = (index / "current").resolve()
    paths = [p for p in folder.rglob("*") if p.is_file()]
    uri = (json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("store") or {}).get("uri", "")
    if uri.endswith(".db") and Path(uri).exists():
        paths += [Path(uri)] if Path(uri).is_file() else [p for p in Path(uri).rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in paths) / 2 ** 20, 1)


def exponent(n1: float, v1: float, n2: float, v2: float) -> str:
    if min(n1, n2, v1, v2) <= 0 or n1 == n2:
        return "—"
    return f"{math.log(v2 / v1) / math.log(n2 / n1):.2f}"


def library_row(work: Path, documents: int, model: str, rounds: int, store: str = "") -> dict:
    """Build, change and ask one library; `store` as for build --store ("" = local)."""
    tag = f"{documents}-{model}" + (f"-{re.sub(r'[^0-9A-Za-z]+', '_', Path(store).stem)}" if store else "")
    corpus, index = make_library(work / f"lib{tag}", documents), work / f"idx{tag}"
    full = child("build", str(corpus), str(index), model, store)
    noop = child("build", str(corpus), str(index), model)
    path = added_document(corpus, documents)
    add = child("build", str(corpus), str(index), model)
    path.unlink()
    remove = child("build", str(corpus), str(index), model)
    noop2 = child("build", str(corpus), str(index), model)
    asked = child("ask", str(index), model, str(rounds))
    row = {"store": store or "local", "documents": documents - full["skipped"], "files": documents, "chunks": asked["chunks"],
           "model": model, "full_s": full["seconds"], "add_s": add["seconds"], "add_embedded": add["embedded"],
           "remove_s": remove["seconds"], "noop_s": min(noop["seconds"], noop2["seconds"]), "size_mb": size_mb(index),
           "build_rss_mb": max(full["rss_mb"], add["rss_mb"]), "worker_rss_mb": full["worker_rss_mb"],
           "ask_rss_mb": asked["rss_mb"], "load_s": asked["load_s"], **latency(asked)}
    shutil.rmtree(corpus, ignore_errors=True)
    return row


def latency(asked: dict) -> dict:
    ask, encode = asked["ask"], asked["encode"]
    return {"ask_p50_ms": 1000 * statistics.median(ask), "ask_p95_ms": 1000 * percentile(ask, 0.95),
            "encode_p50_ms": 1000 * statistics.median(encode), "encode_p95_ms": 1000 * percentile(encode, 0.95),
            "search_p95_ms": 1000 * (percentile(ask, 0.95) - percentile(encode, 0.95))}


def chunk_rows(work: Path, targets: list[int], rounds: int) -> list[dict]:
    corpus, index = make_library(work / "chunks-lib", len(sources())), work / "chunks-idx"
    child("build", str(corpus), str(index), "hash")
    rows = []
    for target in [0, *targets]:
        grown = child("grow", str(index), str(target)) if target else {"rss_mb": 0.0}
        asked = child("ask", str(index), "hash", str(rounds))
        rows.append({"chunks": asked["chunks"], "size_mb": size_mb(index), "grow_rss_mb": grown["rss_mb"],
                     "ask_rss_mb": asked["rss_mb"], "load_s": asked["load_s"], **latency(asked)})
    return rows


def table(rows: list[dict], measures: list[tuple[str, str, str]], size_key: str) -> list[str]:
    head = "| measure | " + " | ".join(f"{r[size_key]:,}" for r in rows) + " | growth exponent |"
    lines = [head, "|" + "---|" * (len(rows) + 2)]
    for key, label, fmt in measures:
        values = [r[key] for r in rows]
        lines.append(f"| {label} | " + " | ".join(format(v, fmt) for v in values) + " | "
                     + exponent(rows[0][size_key], values[0], rows[-1][size_key], values[-1]) + " |")
    return lines


LIBRARY = [("chunks", "chunks", ","), ("full_s", "full build (s)", ".1f"), ("add_s", "add one document (s)", ".2f"),
           ("remove_s", "remove one document (s)", ".2f"), ("noop_s", "nothing changed (s)", ".3f"),
           ("size_mb", "index size (MB)", ".1f"), ("build_rss_mb", "peak RSS build (MB)", ".0f"),
           ("worker_rss_mb", "peak RSS parsing worker (MB)", ".0f"), ("ask_rss_mb", "peak RSS ask (MB)", ".0f"),
           ("load_s", "load (s)", ".2f"), ("ask_p50_ms", "ask p50 (ms)", ".1f"), ("ask_p95_ms", "ask p95 (ms)", ".1f"),
           ("encode_p50_ms", "query encoding p50 (ms)", ".2f"), ("search_p95_ms", "ask p95 − encoding p95 (ms)", ".1f")]
CHUNKS = [("size_mb", "index size (MB)", ".0f"), ("ask_rss_mb", "peak RSS ask (MB)", ".0f"),
          ("grow_rss_mb", "peak RSS growing it (MB)", ".0f"), ("load_s", "load (s)", ".2f"),
          ("ask_p50_ms", "ask p50 (ms)", ".1f"), ("ask_p95_ms", "ask p95 (ms)", ".1f"),
          ("encode_p95_ms", "query encoding p95 (ms)", ".2f"), ("search_p95_ms", "ask p95 − encoding p95 (ms)", ".1f")]


def side_by_side(rows: list[dict], measures: list[tuple[str, str, str]]) -> list[str]:
    """One column per store (same library), and each store's ratio to the first."""
    head = "| measure | " + " | ".join(r["label"] for r in rows) + " | " + \
        " | ".join(f"{r['label']} / {rows[0]['label']}" for r in rows[1:]) + " |"
    lines = [head, "|" + "---|" * (2 * len(rows))]
    for key, label, fmt in measures:
        values = [r[key] for r in rows]
        ratios = [f"{v / values[0]:.2f}" if values[0] else "—" for v in values[1:]]
        lines.append(f"| {label} | " + " | ".join(format(v, fmt) for v in values) + " | " + " | ".join(ratios) + " |")
    return lines


def compare_stores(work: Path, sizes: list[int], stores: list[str], rounds: int) -> None:
    """Issue 12: the same libraries on each retrieval backend, hashing embedder (the index's costs)."""
    for n in sizes:
        rows = []
        for store in stores:
            uri = str(work / f"milvus-{n}.db") if store == "milvus" else "" if store == "local" else store
            rows.append({**library_row(work, n, "hash", rounds, uri), "label": store})
        print(f"\n{rows[0]['documents']:,} documents, {rows[0]['chunks']:,} chunks (hashing embedder):")
        print("\n".join(side_by_side(rows, LIBRARY)), flush=True)
        (work / f"stores-{n}.json").write_text(json.dumps(rows, indent=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--chunks", default="10000,100000,1000000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--skip-recall", action="store_true")
    parser.add_argument("--stores", default="", help="local,milvus (or a Milvus URI): only the backends side by side")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="kspolicy-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    try:
        if args.stores:
            compare_stores(work, sizes, [s for s in args.stores.split(",") if s], args.rounds)
            return 0
        rows = [library_row(work, n, "hash", args.rounds) for n in sizes]
        print(f"Libraries (hashing embedder; {len(sources())} source files copied with their own titles and 文号):")
        print("\n".join(table(rows, LIBRARY, "documents")), flush=True)
        real = library_row(work, sizes[0], "default", args.rounds)
        print(f"\nDefault encoder at {real['documents']} documents:")
        print("\n".join(table([real], LIBRARY, "documents")), flush=True)
        grown = chunk_rows(work, [int(c) for c in args.chunks.split(",") if c], args.rounds)
        print("\nSearch on the real library grown with synthetic chunks (random vectors, copied tokens):")
        print("\n".join(table(grown, CHUNKS, "chunks")), flush=True)
        if not args.skip_recall:
            from bench_recall import recall_report

            print("\n" + recall_report(work), flush=True)
        (work / "scale.json").write_text(json.dumps({"libraries": rows, "default": real, "chunks": grown}, indent=1))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], sys.argv[3:]
        print(json.dumps({"build": child_build, "ask": child_ask, "grow": child_grow}[kind](*rest)))
        sys.exit(0)
    sys.exit(main())
