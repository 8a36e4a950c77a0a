"""Building the index: bad input, duplicates, incremental updates, atomic publish, CLI contract."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEED, docgen, make_corpus, run_cli

from kspolicy.answer.compose import ask
from kspolicy.index.build import FORMAT_VERSION, IndexProblem, build, read_manifest, resolve
from kspolicy.answer.search import load_index

SEED_ID = SEED.stem


def variant(text: str, title: str, number: int) -> str:
    """Another policy document: the seed with its own title and 文号."""
    return (text.replace("昆山市装备制造 产业创新集群建设实施意见", title)
            .replace("昆山市装备制造产业创新集群建设实施意见", title)
            .replace("昆政办发〔2022〕98号", f"昆政办发〔2023〕{number}号"))


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus", SEED)


def test_bad_inputs_are_reported_and_the_rest_is_built(tmp_path, corpus, plain_pdf, embedder):
    bad = {
        "损坏.pdf": docgen.corrupt_pdf(plain_pdf, corpus / "损坏.pdf"),
        "加密.pdf": docgen.encrypted_pdf(plain_pdf, corpus / "加密.pdf"),
        "空文件.pdf": docgen.empty_pdf(corpus / "空文件.pdf"),
        "扫描件.pdf": docgen.scanned_pdf(corpus / "扫描件.pdf"),
        "空白页.pdf": docgen.blank_pdf(corpus / "空白页.pdf"),
        "乱码.txt": docgen.undecodable_txt(corpus / "乱码.txt"),
        "表格.xlsx": docgen._write(corpus / "表格.xlsx", b"PK\x03\x04 not really"),
        "副本.txt": Path(shutil.copy(SEED, corpus / "副本.txt")),
        "同一文件.pdf": Path(shutil.copy(plain_pdf, corpus / "同一文件.pdf")),
    }
    (corpus / "其他").mkdir()
    (corpus / "其他" / "新政策.txt").write_bytes(
        variant(SEED.read_text(encoding="utf-8"), "昆山市新政策实施意见", 5).encode("gb18030"))
    result = run_cli("build", "--corpus", str(corpus), "--index", str(tmp_path / "index"), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert sorted(report["added"]) == sorted([SEED_ID, "其他/新政策"])
    reasons = {item["path"]: item["reason"] for item in report["skipped"]}
    assert set(reasons) == set(bad)
    assert "损坏" in reasons["损坏.pdf"] or "不完整" in reasons["损坏.pdf"]
    assert "加密" in reasons["加密.pdf"]
    assert "为空" in reasons["空文件.pdf"]
    assert "扫描件" in reasons["扫描件.pdf"] and "OCR" in reasons["扫描件.pdf"]
    assert "没有可提取的文字" in reasons["空白页.pdf"]
    assert "编码" in reasons["乱码.txt"]
    assert "不支持的文件类型" in reasons["表格.xlsx"]
    assert "内容完全相同" in reasons["副本.txt"]
    assert "同一文件" in reasons["同一文件.pdf"] and "昆政办发〔2022〕98号" in reasons["同一文件.pdf"]
    assert "Traceback" not in result.stderr


def test_failed_rebuild_keeps_the_last_good_version(tmp_path, corpus, embedder):
    index_dir = tmp_path / "index"
    build(corpus, index_dir, embedder)
    (corpus / SEED.name).write_bytes(b"\x80\xff\xfe" * 100)  # the file is overwritten with garbage
    report = build(corpus, index_dir, embedder)
    assert report.skipped[0].path == SEED.name and "已保留上次索引的版本" in report.skipped[0].reason
    answer, _ = ask(load_index(index_dir, embedder=embedder), "花桥的高新技术企业新增目标是多少")
    assert "12 家" in answer.text


def test_nothing_buildable_is_a_user_error_and_the_index_keeps_serving(tmp_path, corpus, embedder):
    index_dir = tmp_path / "index"
    build(corpus, index_dir, embedder)
    before = resolve(index_dir)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "说明.xlsx").write_bytes(b"x")
    result = run_cli("build", "--corpus", str(empty), "--index", str(index_dir))
    assert result.returncode == 2
    assert result.stderr.startswith("错误：没有可以建立索引的文件") and len(result.stderr.splitlines()) == 1
    assert resolve(index_dir) == before


def test_incremental_add_and_remove(tmp_path, corpus, embedder):
    index_dir = tmp_path / "index"
    first = build(corpus, index_dir, embedder)
    assert first.added == [SEED_ID] and first.chunks_embedded == read_manifest(index_dir)["chunks"]
    seed_chunks = first.chunks_embedded
    again = build(corpus, index_dir, embedder)
    assert (again.unchanged, again.chunks_embedded) == ([SEED_ID], 0)
    extra = corpus / "新材料产业实施意见.txt"
    extra.write_text("昆山市新材料产业创新集群实施意见\n\n一、总体要求\n\n石墨烯材料研发由市科技局负责。"
                     "到2025年，新增石墨烯企业力争达到8家。（责任单位：市科技局）\n", encoding="utf-8")
    added = build(corpus, index_dir, embedder)
    assert added.added == ["新材料产业实施意见"] and added.unchanged == [SEED_ID]
    manifest = read_manifest(index_dir)
    assert 0 < added.chunks_embedded == manifest["chunks"] - seed_chunks
    index = load_index(index_dir, embedder=embedder)
    answer, hits = ask(index, "石墨烯企业的目标是多少家？")
    assert answer.facts[0]["value"] == 8 and "力争达到8家" in answer.text and hits[0].doc_id == "新材料产业实施意见"
    extra.unlink()
    removed = build(corpus, index_dir, embedder)
    assert removed.removed == ["新材料产业实施意见"] and removed.chunks_embedded == 0
    index = load_index(index_dir, embedder=embedder)
    _, hits = ask(index, "石墨烯企业的目标是多少家？", k=20)
    assert all(h.doc_id == SEED_ID for h in hits)


def test_several_documents_and_the_document_filter(tmp_path, corpus, embedder):
    other = variant(SEED.read_text(encoding="utf-8"), "昆山市某产业集群实施意见", 7)
    row = "创新企业\t累计省级以上企业技术中心新增数（家）\t35\t16\t8\t1\t"
    assert row in other
    (corpus / "另一文件.txt").write_text(other.replace(row, row.replace("\t8\t1\t", "\t8\t9\t")),
                                        encoding="utf-8")
    build(corpus, tmp_path / "index", embedder)
    index = load_index(tmp_path / "index", embedder=embedder)
    answer, _ = ask(index, "花桥的省级以上企业技术中心新增目标是多少")
    assert "1 家" in answer.text and "9 家" in answer.text
    assert "昆政办发〔2022〕98号" in answer.text and "昆政办发〔2023〕7号" in answer.text  # whose is whose
    only, hits = ask(index, "花桥的省级以上企业技术中心新增目标是多少", doc_id="另一文件")
    assert "9 家" in only.text and "1 家" not in only.text and {h.doc_id for h in hits} == {"另一文件"}
    tasks, _ = ask(index, "市科技局牵头哪些任务？", doc_id=SEED_ID)
    assert {f["doc_id"] for f in tasks.facts} == {SEED_ID} and tasks.text.count("五、3") == 1


def test_save_load_gives_the_same_results(tmp_path, corpus, small_model):
    from kspolicy.index.embed import load_embedder

    index_dir = tmp_path / "index"
    model = load_embedder(small_model)
    build(corpus, index_dir, model)
    manifest = read_manifest(index_dir)
    assert (manifest["model"], manifest["dimension"], manifest["format_version"]) == (small_model, 384, FORMAT_VERSION)
    assert manifest["documents"][SEED_ID]["sha256"]
    first = ask(load_index(index_dir), "人才引进由哪些部门负责？")
    second = ask(load_index(index_dir, model=small_model), "人才引进由哪些部门负责？")
    assert first == second and "市委人才办" in first[0].text


def test_model_mismatch_says_how_to_rebuild(tmp_path, corpus, small_model, embedder):
    index_dir = tmp_path / "index"
    build(corpus, index_dir, embedder)
    with pytest.raises(IndexProblem, match="build --model"):
        load_index(index_dir, model=small_model)
    result = run_cli("ask", "人才引进由哪些部门负责？", "--index", str(index_dir), "--model", small_model)
    assert result.returncode == 2 and "重建索引" in result.stderr and "Traceback" not in result.stderr


def test_kill_9_during_builds_leaves_the_previous_index_serving(tmp_path, corpus, embedder):
    index_dir = tmp_path / "index"
    build(corpus, index_dir, embedder)
    text = SEED.read_text(encoding="utf-8")
    for n in range(6):  # enough new documents that a build takes a few seconds
        (corpus / f"政策{n}.txt").write_text(variant(text, f"昆山市第{n}号产业实施意见", 10 + n), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for delay in (0.3, 0.8, 1.5, 2.5, 3.5):
        proc = subprocess.Popen([sys.executable, "-m", "kspolicy", "build", "--corpus", str(corpus), "--index",
                                 str(index_dir), "--json"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        index = load_index(index_dir, embedder=embedder)
        answer, hits = ask(index, "花桥的高新技术企业新增目标是多少")
        assert "12 家" in answer.text and hits[0].clause == "附件1"
        if finished:
            break
    assert len([p for p in (index_dir / "builds").iterdir() if not p.name.startswith(".")]) <= 2


def test_cli_contract(seed_index, tmp_path):
    index_dir, _ = seed_index
    asked = run_cli("ask", "花桥的高新技术企业新增目标是多少", "--index", str(index_dir), "--json")
    assert asked.returncode == 0, asked.stderr
    data = json.loads(asked.stdout)
    assert set(data) == {"question", "answer", "hits"}
    assert data["answer"]["kind"] == "target" and "12" in data["answer"]["text"]
    assert data["answer"]["facts"][0]["value"] == 12 and data["answer"]["facts"][0]["scope"] == "花桥"
    hit = data["hits"][0]
    assert {"doc_id", "doc_title", "clause", "citation", "text", "score"} <= set(hit)
    assert hit["citation"] == "《昆山市装备制造产业创新集群建设实施意见》（昆政办发〔2022〕98号）附件1"
    batch = run_cli("ask", "-", "--json", "--index", str(index_dir), stdin="市科技局负责哪些任务？\n\n周市镇2025年有哪些目标？\n")
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [line["answer"]["kind"] for line in lines] == ["department_tasks", "district_targets"]
    facts = json.loads(run_cli("facts", "--index", str(index_dir), "--json").stdout)
    assert len(facts["responsibilities"]) == 10 and len(facts["targets"]) > 240
    target = next(t for t in facts["targets"] if t["scope"] == "旅度区" and t["indicator"].startswith("百亿级"))
    assert target["value"] is None and target["citation"].endswith("附件1")
    assert {"task", "departments", "clause", "citation", "doc_id"} <= set(facts["responsibilities"][0])
    missing = run_cli("ask", "问题", "--index", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and missing.stderr.startswith("错误：没有找到索引")
    evaluated = run_cli("eval", "--index", str(index_dir), "--questions", str(ROOT / "tests/eval/seed/dev_questions.jsonl"))
    assert evaluated.returncode == 0 and "overall" in evaluated.stdout and "答案准确率" in evaluated.stdout
    (tmp_path / "bad.jsonl").write_text('{"q": 1}\n', encoding="utf-8")
    for questions in (tmp_path / "bad.jsonl", tmp_path / "missing.jsonl"):
        result = run_cli("eval", "--index", str(index_dir), "--questions", str(questions))
        assert result.returncode == 2 and "Traceback" not in result.stderr and "评测问题文件" in result.stderr
    for args in (("ask", "", "--index", str(index_dir)), ("ask", "问题", "-k", "0", "--index", str(index_dir))):
        result = run_cli(*args)
        assert result.returncode == 2 and "Traceback" not in result.stderr
    bad_flag = run_cli("build", "--frobnicate")
    assert bad_flag.returncode == 2 and "参数错误" in bad_flag.stderr and "Traceback" not in bad_flag.stderr


def test_a_damaged_index_is_reported_and_rebuilt(tmp_path, corpus):
    index_dir = tmp_path / "idx#1"  # a character that needs escaping in an SQLite URI
    assert run_cli("build", "--corpus", str(corpus), "--index", str(index_dir)).returncode == 0
    (index_dir / "current" / "kspolicy.sqlite").unlink()
    for args in (("ask", "花桥的高新技术企业新增目标是多少"), ("facts",)):
        result = run_cli(*args, "--index", str(index_dir))
        assert result.returncode == 2 and "索引已损坏" in result.stderr and "Traceback" not in result.stderr
    assert run_cli("build", "--corpus", str(corpus), "--index", str(index_dir)).returncode == 0
    asked = run_cli("ask", "花桥的高新技术企业新增目标是多少", "--index", str(index_dir))
    assert "12 家" in asked.stdout


def test_build_index_script_is_the_same_command(tmp_path, corpus):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_index.py"), "--corpus", str(corpus),
                             "--index", str(tmp_path / "index"), "--json"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"] == [SEED_ID]
