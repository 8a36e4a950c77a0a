"""Issue 9: a damaged index is found, reported in one line and repaired by the next build; a full disk
during a build leaves the previous index serving, with one line and no traceback.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from conftest import SEED, make_corpus, run_cli

from kspolicy.answer.compose import ask
from kspolicy.answer.search import load_index
from kspolicy.index.build import IndexProblem, WriteFailed, build, read_manifest, resolve

QUESTION = "花桥的高新技术企业新增目标是多少"


@pytest.fixture
def site(tmp_path, seed_index) -> tuple[Path, Path]:
    """(corpus, index_dir): a copy of the session's seed index with its corpus."""
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index[0], index_dir, symlinks=True)
    return make_corpus(tmp_path / "corpus", SEED), index_dir


def delete_bm25(folder: Path) -> None:
    shutil.rmtree(folder / "bm25")


def overwrite_sqlite_pages(folder: Path) -> None:
    with open(folder / "kspolicy.sqlite", "r+b") as handle:  # pages 3-6 of 4 KB (page 1 is the header)
        handle.seek(8192)
        handle.write(b"\xde\xad\xbe\xef" * 4096)


def truncate_vectors(folder: Path) -> None:
    os.truncate(folder / "vectors.faiss", 1000)


def garbage_manifest(folder: Path) -> None:
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")


def answers(index_dir: Path, embedder) -> str:
    return ask(load_index(index_dir, embedder=embedder), QUESTION)[0].text


@pytest.mark.parametrize("damage, note, embedded", [
    (delete_bm25, "发现索引文件损坏或缺失（bm25/），已重新写出索引", False),
    (overwrite_sqlite_pages, "发现索引文件损坏或缺失（kspolicy.sqlite），全部文件重新处理", True),
    (truncate_vectors, "发现索引文件损坏或缺失（vectors.faiss），全部片段重新向量化", True),
    (garbage_manifest, "索引的 manifest.json 已损坏，全部文件重新处理", True),
])
def test_damage_is_reported_and_repaired_by_the_next_build(site, embedder, damage, note, embedded):
    corpus, index_dir = site
    damage(resolve(index_dir))
    with pytest.raises(IndexProblem, match=r"^索引已损坏（.+），请运行 python -m kspolicy build --index .+ 修复$"):
        load_index(index_dir, embedder=embedder)
    report = build(corpus, index_dir, embedder)
    assert report.note == note
    assert (report.chunks_embedded > 0) == embedded  # bm25/ is rewritten from the stored chunks
    assert "12 家" in answers(index_dir, embedder)
    again = build(corpus, index_dir, embedder)  # repaired: the next build has nothing to do
    assert (again.note, again.chunks_embedded, again.unchanged) == ("", 0, [SEED.stem])


def test_ask_on_a_damaged_index_says_so_in_one_line(site):
    _, index_dir = site
    overwrite_sqlite_pages(resolve(index_dir))
    result = run_cli("ask", QUESTION, "--index", str(index_dir))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"错误：索引已损坏（DatabaseError），请运行 python -m kspolicy build "
                                          f"--index {index_dir} 修复"]


def test_every_index_file_is_recorded_with_size_and_checksum(site):
    _, index_dir = site
    folder = resolve(index_dir)
    files = read_manifest(index_dir)["files"]
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(files) == on_disk and {"kspolicy.sqlite", "vectors.faiss", "userdict.txt"} <= on_disk
    assert all(set(record) == {"size", "sha256"} and len(record["sha256"]) == 64 for record in files.values())


def test_a_no_op_build_stays_fast(site, embedder):
    corpus, index_dir = site
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        report = build(corpus, index_dir, embedder)
        timings.append(time.perf_counter() - started)
        assert report.unchanged == [SEED.stem] and report.chunks_embedded == 0
    print(f"\nno-op build: median {sorted(timings)[2] * 1000:.0f} ms")
    assert sorted(timings)[2] < 1.0


def full_disk(exc: BaseException):
    def fail(*args, **kwargs):
        raise exc
    return fail


@pytest.mark.parametrize("target, exc", [
    ("kspolicy.index.store.write_chunks", sqlite3.OperationalError("database or disk is full")),
    ("faiss.write_index", RuntimeError("Error in faiss::FileIOWriter: fwrite failed: No space left on device")),
    ("kspolicy.index.verify.file_records", OSError(errno.ENOSPC, "No space left on device")),
])
def test_a_full_disk_during_a_build_leaves_the_previous_index(site, embedder, monkeypatch, target, exc):
    corpus, index_dir = site
    (corpus / "新文件.txt").write_text("昆山市新材料产业实施意见\n\n一、总体要求\n\n发展石墨烯材料。（责任单位：市科技局）\n",
                                     encoding="utf-8")
    before = resolve(index_dir)
    monkeypatch.setattr(target, full_disk(exc))
    with pytest.raises(WriteFailed, match=r"^写入索引失败（磁盘空间不足），原索引未改变，仍可使用"):
        build(corpus, index_dir, embedder)
    assert resolve(index_dir) == before and "12 家" in answers(index_dir, embedder)
    assert sorted(p.name for p in (index_dir / "builds").iterdir()) == [before.name]  # no half-written build


@pytest.fixture
def tiny_disk(tmp_path):
    """A 700 KB tmpfs: room for one build of the seed, not for two."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=700k", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("需要 root 权限挂载 tmpfs")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_full_tmpfs_gives_one_line_and_exit_1(tiny_disk, tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus", SEED)
    index_dir = tiny_disk / "index"
    first = run_cli("build", "--corpus", str(corpus), "--index", str(index_dir))
    assert first.returncode == 0, first.stderr
    text = SEED.read_text(encoding="utf-8")
    (corpus / "另一文件.txt").write_text(text.replace("昆政办发〔2022〕98号", "昆政办发〔2023〕7号")
                                        .replace("昆山市装备制造产业创新集群建设实施意见", "昆山市另一实施意见"),
                                        encoding="utf-8")
    full = run_cli("build", "--corpus", str(corpus), "--index", str(index_dir), "--json")
    assert full.returncode == 1 and "Traceback" not in full.stderr
    assert full.stderr.splitlines() == [f"错误：写入索引失败（磁盘空间不足），原索引未改变，仍可使用：{index_dir}"]
    assert "12 家" in answers(index_dir, embedder)
    assert len(list((index_dir / "builds").iterdir())) == 1
    asked = run_cli("ask", QUESTION, "--index", str(index_dir))
    assert asked.returncode == 0 and "12 家" in asked.stdout



def test_an_index_without_checksums_is_rewritten_once(site, embedder):
    corpus, index_dir = site
    path = resolve(index_dir) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    del manifest["files"]  # as written before checksums were recorded
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    assert "12 家" in answers(index_dir, embedder)  # nothing to verify is not damage
    report = build(corpus, index_dir, embedder)
    assert report.note == "索引没有文件校验记录（旧版程序构建），已重新写出" and report.chunks_embedded == 0
    assert read_manifest(index_dir)["files"] and build(corpus, index_dir, embedder).note == ""
