"""Evaluation on question files (JSON lines: id, q, type, expect, gold).

Per question type: answer accuracy (every `expect` string in `answer.text`;
for type `none`, the answer abstains), hit@1, hit@5 and MRR (a `gold` string in
a hit's text). Strings are compared with whitespace removed, so "超 100 亿元"
in a text file and "超100亿元" from a PDF count the same.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from .answer.compose import ask
from .answer.search import Index

QUESTION_DIR = Path("tests/eval/seed")


def default_questions() -> list[Path]:
    """Every question file in tests/eval: the shared dev set's copy and our own sets."""
    return sorted(QUESTION_DIR.glob("*_questions.jsonl"))


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
            out.append({"id": f"{path.stem}:{n}", "expect": [], "gold": [], **item})
    return out


def squeeze(text: str) -> str:
    return "".join(text.split())


def judge(question: dict, answer, hits) -> dict:
    """Scores of one answered question."""
    if question["type"] == "none":
        return {"correct": answer.kind == "none", "rank": None}
    correct = answer.kind != "none" and all(squeeze(e) in squeeze(answer.text) for e in question["expect"])
    rank = next((i + 1 for i, h in enumerate(hits) if any(squeeze(g) in squeeze(h.text) for g in question["gold"])),
                None)
    return {"correct": correct, "rank": rank}


def evaluate(index: Index, paths: Path | list[Path], k: int = 5) -> dict:
    """Metrics per type and overall, plus the failures for inspection."""
    rows = []
    for q in load_questions(paths):
        answer, hits = ask(index, q["q"], k=k)
        rows.append({**q, **judge(q, answer, hits), "kind": answer.kind, "answer": answer.text})
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["type"]].append(row)
        groups["overall"].append(row)
    metrics = {}
    for name, group in groups.items():
        ranked = [r for r in group if r["type"] != "none"]
        metrics[name] = {
            "n": len(group),
            "accuracy": round(sum(r["correct"] for r in group) / len(group), 4),
            "hit@1": round(sum(r["rank"] == 1 for r in ranked) / len(ranked), 4) if ranked else None,
            "hit@5": round(sum(r["rank"] is not None and r["rank"] <= 5 for r in ranked) / len(ranked), 4)
            if ranked else None,
            "mrr": round(sum(1 / r["rank"] for r in ranked if r["rank"]) / len(ranked), 4) if ranked else None,
        }
    failures = [{k: r[k] for k in ("id", "q", "type", "kind", "answer", "expect", "rank")}
                for r in rows if not r["correct"] or (r["type"] != "none" and not r["rank"])]
    return {"metrics": metrics, "failures": failures}


def report_text(result: dict) -> str:
    def pct(v):
        return "—" if v is None else f"{100 * v:.1f}%"

    lines = ["类型                 数量   答案准确率   hit@1    hit@5    MRR"]
    for name, m in sorted(result["metrics"].items(), key=lambda kv: kv[0] == "overall"):
        mrr = "—" if m["mrr"] is None else f"{m['mrr']:.3f}"
        lines.append(f"{name:<20} {m['n']:>4}   {pct(m['accuracy']):>8}   {pct(m['hit@1']):>6}   "
                     f"{pct(m['hit@5']):>6}   {mrr}")
    for f in result["failures"]:
        lines.append(f"✗ {f['id']} [{f['type']}→{f['kind']}] {f['q']} → {f['answer'][:80]}（期望 {f['expect']}，命中位次 {f['rank']}）")
    return "\n".join(lines)
