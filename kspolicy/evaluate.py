"""Evaluation on question files (JSON lines: id, q, type, expect, gold).

Per question set and per type: answer accuracy (every `expect` string in `answer.text`;
for type `none`, the answer abstains), hit@1, hit@5 and MRR (a `gold` string in a hit's
text), and the wrong refusals (an answerable question answered `none`). Strings are
compared with whitespace removed, so "超 100 亿元" in a text file and "超100亿元" from a
PDF count the same.

Two libraries are evaluated: the seed (tests/eval/seed, on the index given) and the real
documents of ../shared/realdocs plus the seed (the shared ../shared/eval/real_dev_questions.jsonl,
read where it is, and our own tests/eval/real sets, on an index `real_library` builds from them).
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

from .answer.compose import ask
from .answer.search import Index

SEED_SETS = Path("tests/eval/seed")
REAL_SETS = Path("tests/eval/real")


def question_files(folder: Path) -> list[Path]:
    """Every question file of a set folder."""
    return sorted(folder.glob("*_questions.jsonl"))


def real_sets(realdocs: Path) -> list[Path]:
    """The question sets on the real documents: the shared one beside them (../shared/eval/) and ours."""
    shared = realdocs.parent / "eval" / "real_dev_questions.jsonl"
    return [shared] * shared.is_file() + question_files(REAL_SETS)


def real_library(realdocs: Path, corpus: Path, folder: Path) -> Path:
    """A corpus of the real documents (every sub-folder of `realdocs`) plus the files of `corpus`,
    copied into `folder`/corpus (only what changed); returns that corpus folder."""
    library = folder / "corpus"
    sources = [(p, p.relative_to(realdocs)) for sub in sorted(realdocs.iterdir()) if sub.is_dir()
               for p in sorted(sub.rglob("*")) if p.is_file()]
    sources += [(p, p.relative_to(corpus)) for p in sorted(corpus.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus).parts)]
    for source, relative in sources:
        target = library / relative
        if not target.exists() or target.stat().st_size != source.stat().st_size or \
                target.read_bytes() != source.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return library


def load_questions(paths: Path | list[Path]) -> list[dict]:
    paths = [paths] if isinstance(paths, Path) else paths
    out = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item = json.loads(line)
            if not (isinstance(item.get("q"), str) and isinstance(item.get("type"), str)
                    and isinstance(item.get("expect", []), list) and isinstance(item.get("gold", []), list)):
                raise ValueError(f"{path.name} 第 {n} 行")
            out.append({"id": f"{path.stem}:{n}", "expect": [], "gold": [], "set": path.stem, **item})
    return out


def squeeze(text: str) -> str:
    return "".join(text.split())


def judge(question: dict, answer, hits) -> dict:
    """Scores of one answered question."""
    if question["type"] == "none":
        return {"correct": answer.kind == "none", "rank": None, "refused": answer.kind == "none"}
    correct = answer.kind != "none" and all(squeeze(e) in squeeze(answer.text) for e in question["expect"])
    rank = next((i + 1 for i, h in enumerate(hits) if any(squeeze(g) in squeeze(h.text) for g in question["gold"])),
                None)
    return {"correct": correct, "rank": rank, "refused": answer.kind == "none"}


def metrics(group: list[dict]) -> dict:
    ranked = [r for r in group if r["type"] != "none"]

    def share(count: int, total: int) -> float | None:
        return round(count / total, 4) if total else None

    return {
        "n": len(group),
        "accuracy": round(sum(r["correct"] for r in group) / len(group), 4),
        "hit@1": share(sum(r["rank"] == 1 for r in ranked), len(ranked)),
        "hit@5": share(sum(r["rank"] is not None and r["rank"] <= 5 for r in ranked), len(ranked)),
        "mrr": round(sum(1 / r["rank"] for r in ranked if r["rank"]) / len(ranked), 4) if ranked else None,
        "wrong_refusals": sum(r["refused"] for r in ranked),
    }


def evaluate(index: Index, paths: Path | list[Path], k: int = 5) -> dict:
    """Metrics per set, per type and overall, plus the failures for inspection."""
    rows = []
    for q in load_questions(paths):
        answer, hits = ask(index, q["q"], k=k)
        rows.append({**q, **judge(q, answer, hits), "kind": answer.kind, "answer": answer.text})
    sets: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        for name in (row["set"], "overall"):
            sets[name][row["type"]].append(row)
            sets[name]["overall"].append(row)
    result = {name: {t: metrics(group) for t, group in types.items()} for name, types in sets.items()}
    failures = [{k: r[k] for k in ("id", "q", "type", "kind", "answer", "expect", "rank")}
                for r in rows if not r["correct"] or (r["type"] != "none" and not r["rank"])]
    return {"sets": result, "metrics": result["overall"], "failures": failures}


def report_text(result: dict, title: str = "") -> str:
    def pct(v):
        return "—" if v is None else f"{100 * v:.1f}%"

    lines = [title] if title else []
    for name, types in sorted(result["sets"].items(), key=lambda kv: kv[0] == "overall"):
        lines.append(f"\n【{'合计' if name == 'overall' else name}】")
        lines.append("类型                 数量   答案准确率   hit@1    hit@5    MRR    错误拒答")
        for t, m in sorted(types.items(), key=lambda kv: kv[0] == "overall"):
            mrr = "—" if m["mrr"] is None else f"{m['mrr']:.3f}"
            lines.append(f"{t:<20} {m['n']:>4}   {pct(m['accuracy']):>8}   {pct(m['hit@1']):>6}   "
                         f"{pct(m['hit@5']):>6}   {mrr:>5}   {m['wrong_refusals']:>4}")
    for f in result["failures"]:
        lines.append(f"✗ {f['id']} [{f['type']}→{f['kind']}] {f['q']} → {f['answer'][:80]}"
                     f"（期望 {f['expect']}，命中位次 {f['rank']}）")
    return "\n".join(lines)
