"""Issue 9 acceptance: hostile files made in the tests, built the way an operator builds.

One build gets a zip-bomb DOCX (~1 GB inflated), a 2,000-page PDF, a 200 MB text
file, a 5 MB line, 10,000 repeated headings, a symlink out of the corpus and a
Markdown-image document next to the seed: it finishes, reports each bad file
with a Chinese reason, stays under 1.5 GB, the previous index keeps answering
and nothing is written outside corpus/ and index/. The bounded worker itself is
tested with jobs that run out of memory, run too long or crash.
"""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEED, make_corpus, run_cli
from hostile import MB, big_text, long_line, many_pages_pdf, markup_doc, repeated_headings, zip_bomb_docx

from kspolicy.answer.compose import ask
from kspolicy.answer.search import load_index
from kspolicy.index.build import build
from kspolicy.read.ingest import IngestError, load_lines
from kspolicy.read.limits import Limits
from kspolicy.read.worker import JobFailed, Worker
from kspolicy.understand.parse import parse_file

SEED_ID = SEED.stem
QUESTION = "花桥的高新技术企业新增目标是多少"
SECRET = "root:x:0:0:机密口令行:/root:/bin/bash"
GB = 1024 * MB


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below `folder` with size and mtime, to see whether anything was written there."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            out[str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return out


def measured_build(corpus: Path, index_dir: Path, env: dict) -> tuple[subprocess.CompletedProcess, int]:
    """`python -m kspolicy build --json` in a subprocess; (result, peak RSS in bytes of any process of it)."""
    probe = ("import resource, subprocess, sys\n"
             "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "sys.stderr.write(done.stderr)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
             "print(done.stdout, end='')\n"
             "sys.exit(done.returncode)\n")
    cmd = [sys.executable, "-c", probe, sys.executable, "-m", "kspolicy", "build", "--corpus", str(corpus),
           "--index", str(index_dir), "--json"]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=900,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    peak_kb, _, stdout = result.stdout.partition("\n")
    return subprocess.CompletedProcess(cmd, result.returncode, stdout, result.stderr), int(peak_kb) * 1024


@pytest.mark.slow
def test_hostile_corpus_builds_with_each_bad_file_reported(tmp_path, embedder):
    site, outside, scratch = tmp_path / "site", tmp_path / "outside", tmp_path / "tmp"
    corpus, index_dir = make_corpus(site / "corpus", SEED), site / "index"
    outside.mkdir()
    scratch.mkdir()
    (outside / "passwd").write_text(SECRET + "\n", encoding="utf-8")
    build(corpus, index_dir, embedder)  # the previous index: the seed only
    started = time.perf_counter()
    zip_bomb_docx(corpus / "炸弹.docx")
    many_pages_pdf(corpus / "两千页.pdf", 2000)
    big_text(corpus / "超大.txt")
    long_line(corpus / "长行.txt")
    repeated_headings(corpus / "重复标题.txt")
    markup_doc(corpus / "标记.txt")
    os.symlink(outside / "passwd", corpus / "passwd.txt")
    (corpus / "链接目录").symlink_to(outside, target_is_directory=True)
    made = time.perf_counter() - started
    before = {**tree(outside), **{f"tmp/{k}": v for k, v in tree(scratch).items()}}

    result, peak = measured_build(corpus, index_dir, {"TMPDIR": str(scratch), "HOME": str(scratch)})

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    print(f"\nhostile build: {report['seconds']} s, peak RSS {peak / MB:.0f} MB (files made in {made:.1f} s)")
    assert peak < 1.5 * GB
    assert report["unchanged"] == [SEED_ID] and sorted(report["added"]) == ["标记", "重复标题"]
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert set(reasons) == {"炸弹.docx", "两千页.pdf", "超大.txt", "长行.txt", "passwd.txt", "链接目录"}
    assert "解压后过大" in reasons["炸弹.docx"] and "word/document.xml" in reasons["炸弹.docx"]
    assert "页数过多（2,000 页）" in reasons["两千页.pdf"]
    assert re.match(r"文件过大（20\d\.\d MB），单个文件上限 100 MB", reasons["超大.txt"])
    assert "行过长" in reasons["长行.txt"]
    assert "符号链接" in reasons["passwd.txt"] and "符号链接" in reasons["链接目录"]
    # Nothing written outside corpus/ and index/ (the scratch TMPDIR may hold jieba's dictionary cache).
    after = {**tree(outside), **{f"tmp/{k}": v for k, v in tree(scratch).items()}}
    assert {k: v for k, v in after.items() if k != "tmp/jieba.cache"} == before
    assert sorted(p.name for p in site.iterdir()) == ["corpus", "index"]
    # Paths in the manifest and the documents table are relative to the corpus.
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert {d["source"] for d in manifest["documents"].values()} == {SEED.name, "标记.txt", "重复标题.txt"}
    index = load_index(index_dir, embedder=embedder)
    assert {d.source for d in index.documents.values()} == {SEED.name, "标记.txt", "重复标题.txt"}
    answer, _ = ask(index, QUESTION)
    assert "12 家" in answer.text
    _, hits = ask(index, "root 用户的机密口令行是什么？", k=20)
    assert all("机密口令" not in h.text for h in hits)


def test_the_bad_files_one_by_one_in_the_worker(tmp_path):
    """Each hostile file against the default limits, through the same worker a build uses."""
    limits = Limits()
    files = {
        "炸弹.docx": (zip_bomb_docx(tmp_path / "炸弹.docx", 300 * MB), "解压后过大"),
        "两千页.pdf": (many_pages_pdf(tmp_path / "两千页.pdf", 2000), "页数过多"),
        "长行.txt": (long_line(tmp_path / "长行.txt"), r"有一行过长（1,747,\d+ 字，开头是“推进装备制造业高质量发展…”），"
                                                    r"单行上限 100,000 字"),
    }
    with Worker(limits) as worker:
        for name, (path, reason) in files.items():
            with pytest.raises(JobFailed, match=reason):
                worker.run(parse_file, path, name, "x", limits)
        started = time.perf_counter()
        parsed = worker.run(parse_file, repeated_headings(tmp_path / "重复.txt"), "d", "x", limits)
        elapsed = time.perf_counter() - started
    assert len({c.clause_id for c in parsed.clauses}) == len(parsed.clauses) > 10_000
    assert elapsed < 10, f"10k repeated headings parsed in {elapsed:.1f} s"


def test_a_pdf_within_the_page_budget_is_read(tmp_path):
    lines = load_lines(many_pages_pdf(tmp_path / "三页.pdf", 3)).lines
    assert [line.text for line in lines] == [f"Policy page {n} of 3" for n in (1, 2, 3)]
    with pytest.raises(IngestError, match="页数过多（3 页），单个文件上限 2 页"):
        load_lines(tmp_path / "三页.pdf", Limits(pdf_pages=2))


def test_text_budgets_characters_and_lines(tmp_path):
    path = tmp_path / "文.txt"
    path.write_text("标题\n\n" + "一、总体要求\n" * 100, encoding="utf-8")
    assert load_lines(path, Limits(text_chars=1000)).lines
    with pytest.raises(IngestError, match="文本过长"):
        load_lines(path, Limits(text_chars=500))
    with pytest.raises(IngestError, match="文本过长"):
        load_lines(path, Limits(text_chars=100))  # judged from the size alone, before decoding
    with pytest.raises(IngestError, match="有一行过长（6 字，开头是“一、总体要求…”），单行上限 5 字"):
        load_lines(path, Limits(line_chars=5))


def test_a_docx_whose_directory_lies_is_refused_without_inflating(tmp_path):
    """The zip directory says 1000 bytes; the member inflates to 64 MB: stopped at the declared size."""
    path = zip_bomb_docx(tmp_path / "谎报.docx", 64 * MB)
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):  # central and local header
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (46 if signature == b"PK\x01\x02" else 30)
            if data[name_at: name_at + len(name)] == name:
                data[at + size_at: at + size_at + 4] = (1000).to_bytes(4, "little")
            at += 4
    path.write_bytes(bytes(data))
    started = time.perf_counter()
    with pytest.raises(IngestError, match="DOCX 文件已损坏|超过目录中声明的大小"):
        load_lines(path)
    assert time.perf_counter() - started < 5


def test_worker_limits_memory_time_and_crashes():
    limits = Limits(memory_mb=400, seconds=2)
    with Worker(limits) as worker:
        with pytest.raises(JobFailed, match="内存超过上限（400 MB）"):
            worker.run(bytearray, 2 * GB)
        with pytest.raises(JobFailed, match="解析超时（超过 2 秒）"):
            worker.run(time.sleep, 30)
        with pytest.raises(JobFailed, match="解析进程异常退出（信号 SIGABRT"):
            worker.run(os.abort)
        assert worker.run(len, "一二三") == 3  # a fresh child after each failure


def test_a_crashed_worker_is_one_skipped_file_and_the_build_goes_on(tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus", SEED)
    big_text(corpus / "吃内存.txt", 60 * MB)
    limits = Limits(memory_mb=250, text_chars=10**9, line_chars=10**9, file_mb=1000)
    report = build(corpus, tmp_path / "index", embedder, limits=limits)
    assert report.added == [SEED_ID]
    [skipped] = report.skipped
    assert skipped.path == "吃内存.txt" and ("内存" in skipped.reason or "异常退出" in skipped.reason)


def test_ask_with_an_oversized_question_and_bad_bytes_on_stdin(seed_index):
    index_dir, _ = seed_index
    stdin = (QUESTION + "\n").encode() + b"\xff\xfe\x80 not utf-8\n" + ("人才引进" * 100_000 + "\n").encode() \
        + "市科技局牵头哪些任务？\n".encode()
    result = subprocess.run([sys.executable, "-m", "kspolicy", "ask", "-", "--json", "--index", str(index_dir)],
                            input=stdin, capture_output=True, cwd=ROOT, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr.decode()
    answers = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [a["answer"]["kind"] for a in answers][::2] == ["target", "department_tasks"]
    assert len(answers) == 3 and len(answers[1]["question"]) == 500
    errors = result.stderr.decode().splitlines()
    assert errors == ["注意：第 2 行不是 UTF-8 文本，已跳过", "注意：问题超过 500 字，只使用前 500 字"]
    long = run_cli("ask", "人才引进由哪些部门负责？" + "啊" * 2000, "--index", str(index_dir))
    assert long.returncode == 0 and long.stderr.strip() == "注意：问题超过 500 字，只使用前 500 字"


def test_relative_corpus_paths_reach_the_worker(tmp_path):
    """The worker runs in the caller's working directory: `--corpus corpus` means the same folder."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "本地文件.txt").write_bytes(SEED.read_bytes())  # not in the repository's corpus/
    result = run_cli("build", "--corpus", "corpus", "--index", "index", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"] == ["本地文件"]
