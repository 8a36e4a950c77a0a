"""Command line: build, ask, facts, docs, eval (contract in DESIGN.md).

Environment variables are read here and in app.py only: KSPOLICY_INDEX,
KSPOLICY_MODEL, KSPOLICY_CORPUS and the limits of read/limits.py (ENV). User
errors exit with status 2 and one Chinese line on stderr, never a traceback;
failures to write the index (disk full) exit with status 1, also in one line.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from dataclasses import asdict
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .index.embed import EmbedderError
from .read.limits import Limits, cut_question


class UserError(Exception):
    """Shown as one line on stderr; exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # bad flags: status 2, one line, Chinese
        raise UserError(f"参数错误：{message}（用 -h 查看用法）")


def limits_from_env() -> Limits:
    try:
        return Limits.from_env(os.environ)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def make_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m kspolicy", description="政策知识库：构建索引、问答、导出事实、评测")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    b = sub.add_parser("build", help="从语料目录构建或增量更新索引")
    b.add_argument("--corpus", type=Path, default=Path(os.environ.get("KSPOLICY_CORPUS", "corpus")))
    b.add_argument("--index", type=Path, default=Path(os.environ.get("KSPOLICY_INDEX", "index")))
    b.add_argument("--model", default=os.environ.get("KSPOLICY_MODEL"))
    b.add_argument("--store", default=os.environ.get("KSPOLICY_STORE"),
                   help="片段与向量的存储：local（默认）、Milvus Lite 文件（PATH.db，相对路径按当前目录）"
                        "或 Milvus 地址（http://主机:19530）；不指定时沿用索引记录的存储")
    b.add_argument("--json", action="store_true")
    a = sub.add_parser("ask", help="提问；QUESTION 为 - 时从标准输入逐行读取")
    a.add_argument("question")
    a.add_argument("--index", type=Path, default=Path(os.environ.get("KSPOLICY_INDEX", "index")))
    a.add_argument("--model", default=os.environ.get("KSPOLICY_MODEL"))
    a.add_argument("-k", type=positive, default=5, help="返回的检索结果条数")
    a.add_argument("--doc", default=None, help="只在该文件（doc_id）中检索")
    a.add_argument("--json", action="store_true")
    f = sub.add_parser("facts", help="导出责任分工与目标分解事实")
    f.add_argument("--index", type=Path, default=Path(os.environ.get("KSPOLICY_INDEX", "index")))
    f.add_argument("--json", action="store_true")
    f.add_argument("--check", action="store_true", help="一致性检查：分解值之和、正文与附件是否一致")
    d = sub.add_parser("docs", help="列出索引中的文件（标题、文号、发文机关、日期、是否有效）")
    d.add_argument("--index", type=Path, default=Path(os.environ.get("KSPOLICY_INDEX", "index")))
    d.add_argument("--json", action="store_true")
    e = sub.add_parser("eval", help="在评测问题上报告答案准确率、hit@1、hit@5、MRR 和错误拒答")
    e.add_argument("--index", type=Path, default=Path(os.environ.get("KSPOLICY_INDEX", "index")))
    e.add_argument("--model", default=os.environ.get("KSPOLICY_MODEL"))
    e.add_argument("--questions", type=Path, default=None, help="只评测这个问题文件")
    e.add_argument("--realdocs", type=Path, default=None,
                   help="真实文件目录（如 ../shared/realdocs）：与 --corpus 一起建立评测库，评测其旁的 eval/real_dev_questions.jsonl 和 tests/eval/real")
    e.add_argument("--corpus", type=Path, default=Path(os.environ.get("KSPOLICY_CORPUS", "corpus")))
    e.add_argument("--json", action="store_true")
    return parser


def cmd_build(args) -> int:
    from .index.embed import load_embedder
    from .index.build import build, no_progress, read_manifest
    from .index.milvus import StoreProblem, parse_store

    # Without --model (--store), an existing index keeps the model (store) it was built with.
    limits = limits_from_env()
    try:
        store = parse_store(args.store, Path.cwd()) if args.store else None
    except StoreProblem as exc:
        raise UserError(str(exc)) from None
    embedder = load_embedder(args.model or (read_manifest(args.index) or {}).get("model"))
    report = build(args.corpus, args.index, embedder, progress=no_progress if args.json else stderr_progress,
                   limits=limits, store=store)
    data = asdict(report)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    print(f"构建完成（{report.seconds:.1f} 秒）：新增 {len(report.added)}，变更 {len(report.changed)}，"
          f"删除 {len(report.removed)}，未变 {len(report.unchanged)}，跳过 {len(report.skipped)}；"
          f"本次向量化 {report.chunks_embedded} 个片段。{report.note}")
    for item in report.skipped:
        print(f"  跳过 {item.path}：{item.reason}")
    return 0


def cmd_ask(args) -> int:
    from .answer.compose import ask
    from .answer.search import load_index

    limits = limits_from_env()
    if args.question != "-" and not args.question.strip():
        raise UserError("问题为空")
    index = load_index(args.index, args.model)
    if args.doc and args.doc not in index.documents:
        raise UserError(f"索引中没有文件 {args.doc}")
    # One question per line, answered as it arrives (blank lines are skipped).
    questions = stdin_questions(sys.stdin.buffer, limits) if args.question == "-" else [args.question]
    for question in questions:
        question, note = cut_question(question, limits)
        if note:
            print(f"注意：{note}", file=sys.stderr, flush=True)
        answer, hits = ask(index, question, k=args.k, doc_id=args.doc)
        if args.json:
            print(json.dumps(ask_json(question, answer, hits), ensure_ascii=False), flush=True)
            continue
        print(f"问：{question}\n答：{answer.text}")
        for n, hit in enumerate(hits, 1):
            print(f"  [{n}] {hit.citation}（{hit.score:.2f}）\n      {hit.text[:160]}")
    return 0


def stdin_questions(stream: BinaryIO, limits: Limits) -> Iterator[str]:
    """Questions from stdin, one a line, as they arrive; a line that is not UTF-8 is skipped with a note.

    A line is read up to a few times the question limit and the rest of an overlong line
    is discarded (the question is cut anyway), so no single line can exhaust memory.
    """
    most = 4 * limits.question_chars + 4
    n = 0
    while raw := stream.readline(most):
        n += 1
        cut = not raw.endswith(b"\n") and len(raw) >= most
        while cut and (rest := stream.readline(1 << 16)) and not rest.endswith(b"\n"):
            pass  # the rest of an overlong line
        text = _decode_line(raw.rstrip(b"\r\n"), cut, first=n == 1)
        if text is None:
            print(f"注意：第 {n} 行不是 UTF-8 文本，已跳过", file=sys.stderr, flush=True)
        elif text.strip():
            yield text.strip()


def _decode_line(raw: bytes, cut: bool, first: bool) -> str | None:
    """UTF-8 (a BOM on the first line is dropped); a line cut mid-character loses that character."""
    for drop in range(4 if cut else 1):
        try:
            return raw[: len(raw) - drop].decode("utf-8-sig" if first else "utf-8")
        except UnicodeDecodeError:
            continue
    return None


def ask_json(question: str, answer, hits) -> dict:
    return {"question": question,
            "answer": {"kind": answer.kind, "text": answer.text, "facts": list(answer.facts),
                       "citation": answer.citation},
            "hits": [{"doc_id": h.doc_id, "doc_title": h.doc_title, "clause": h.clause, "citation": h.citation,
                      "text": h.text, "score": h.score, "page": h.page} for h in hits]}


def cmd_facts(args) -> int:
    from .index.catalog import Catalog
    from .understand.check import check, findings_text
    from .index.build import resolve
    from .index.verify import DAMAGED, damaged, describe

    folder = resolve(args.index)
    try:
        bad = damaged(folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8")), checksums=False)
        if bad:
            raise UserError(DAMAGED.format(cause="缺失或大小不符：" + describe(bad), index=args.index))
        catalog = Catalog.open(folder)
        data = catalog.export_facts()
        catalog.close()
    except (sqlite3.Error, OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise UserError(DAMAGED.format(cause=type(exc).__name__, index=args.index)) from None
    if args.check:
        findings = check(data)
        if args.json:
            print(json.dumps({"findings": [asdict(f) for f in findings]}, ensure_ascii=False, indent=2))
        else:
            print(findings_text(findings))
        return 0
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for r in data["responsibilities"]:
            print(f"[责任] {r['citation']} {r['task']}：{'、'.join(r['departments'])}")
        for t in data["targets"]:
            print(f"[目标] {t['citation']} {t['scope']} {t['indicator']} {t['value']} {t['unit']} {t['department']}")
    return 0


def cmd_docs(args) -> int:
    from datetime import date

    from .index.build import resolve
    from .index.catalog import Catalog

    try:
        catalog = Catalog.open(resolve(args.index))
        documents = catalog.export_documents(date.today())
        catalog.close()
    except (sqlite3.Error, OSError, ValueError, KeyError):
        raise UserError(f"索引已损坏，请删除 {args.index} 后运行 python -m kspolicy build 重建") from None
    if args.json:
        print(json.dumps(documents, ensure_ascii=False, indent=2))
        return 0
    for d in documents:
        number = f"（{d['doc_number']}）" if d["doc_number"] else ""
        print(f"《{d['title']}》{number} {d['issuer'] or '—'} {d['date'] or '—'} [{d['status']}] "
              f"条款 {d['clauses']}，责任分工 {d['responsibilities']}，目标 {d['targets']}：{d['path']}")
    return 0


def cmd_eval(args) -> int:
    """Seed question sets on --index; with --realdocs, the real sets on a library of the real
    documents plus the corpus, built (incrementally) into --index."""
    from .answer.search import load_index
    from .evaluate import SEED_SETS, evaluate, question_files, real_library, real_sets, report_text
    from .index.build import build, no_progress
    from .index.embed import load_embedder

    if args.realdocs is not None:
        if not args.realdocs.is_dir():
            raise UserError(f"真实文件目录不存在：{args.realdocs}")
        embedder = load_embedder(args.model)
        corpus = real_library(args.realdocs, args.corpus, args.index)
        build(corpus, args.index / "index", embedder, progress=no_progress if args.json else stderr_progress)
        index, default = load_index(args.index / "index", embedder=embedder), real_sets(args.realdocs)
    else:
        index, default = None, question_files(SEED_SETS)
    files = [args.questions] if args.questions else default
    if not files or not all(f.is_file() for f in files):
        raise UserError(f"没有找到评测问题文件：{args.questions or 'tests/eval/*/*_questions.jsonl'}（用 --questions 指定）")
    index = index or load_index(args.index, args.model)
    try:
        result = evaluate(index, files)
    except (ValueError, KeyError) as exc:
        raise UserError(f"评测问题文件格式不对（每行一个 JSON，含 q、type、expect、gold）：{exc}") from None
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report_text(result))
    return 0


def stderr_progress(stage: str, done: int, total: int) -> None:
    """A one-line progress bar per build stage on stderr (terminals only)."""
    if not total or not sys.stderr.isatty():  # logs and pipes get the report, not a bar
        return
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r{stage} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


COMMANDS = {"build": cmd_build, "ask": cmd_ask, "facts": cmd_facts, "docs": cmd_docs, "eval": cmd_eval}


def main(argv: list[str] | None = None) -> int:
    from .index.build import IndexProblem, WriteFailed

    try:
        args = make_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except (UserError, IndexProblem, EmbedderError) as exc:
        print(("\n" if sys.stderr.isatty() else "") + f"错误：{exc}", file=sys.stderr)
        return 2
    except WriteFailed as exc:  # disk full while writing a build: the previous one serves on
        print(("\n" if sys.stderr.isatty() else "") + f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except OSError as exc:  # disk full, no permission: the machine's problem, said plainly
        print(f"错误：读写文件失败（{exc.strerror or exc}）：{exc.filename or ''}", file=sys.stderr)
        return 1
