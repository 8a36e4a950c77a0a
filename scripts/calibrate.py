"""Calibrate the refusal thresholds of an embedder on in- and out-of-corpus questions.

For every labelled question the answer options are computed once (facts, the best quote
and its evidence; kspolicy.answer.compose.options), then `decide` is replayed for each
threshold pair on a grid. The pair kept maximises correct answers plus correct refusals,
with a wrong refusal counted twice (a false "not found" costs users most). The result is
written into kspolicy/index/calibration.toml under the embedder's name; each index built
afterwards records it in its manifest.

Usage: python scripts/calibrate.py --real-index INDEX --seed-index INDEX [--write]
       (the real index is ../shared/realdocs plus the seed: python -m kspolicy eval --realdocs …)
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kspolicy.answer.compose import answer_passage, decide, options, prepare  # noqa: E402
from kspolicy.answer.evidence import Thresholds  # noqa: E402
from kspolicy.answer.query import analyse  # noqa: E402
from kspolicy.answer.search import load_index, score  # noqa: E402
from kspolicy.evaluate import judge, load_questions  # noqa: E402
from kspolicy.index.embed import CALIBRATION  # noqa: E402

EVAL = ROOT / "tests/eval"
TUNING = {"real": [ROOT.parent / "shared/eval/real_dev_questions.jsonl", EVAL / "real/extra_questions.jsonl"],
          "seed": [EVAL / "seed/dev_questions.jsonl", EVAL / "seed/extra_questions.jsonl"]}  # held-out sets are never used
COVERAGE = [x / 100 for x in range(0, 81, 5)]
MISSING = [x / 100 for x in range(20, 101, 5)]
FLOOR = [x / 100 for x in range(0, 36, 3)]


def replayable(index, paths: list[Path]) -> list[tuple[dict, object, object, bool, bool]]:
    """(question, query, options, facts answer correct, quote correct) for each question."""
    out = []
    for item in load_questions(paths):
        question = prepare(index, item["q"])
        q = analyse(question, index.places, index.departments, index.cities, index.token_idf,
                    index.tokenizer.words)
        o = options(index, q, score(index, question, index.embedder.encode_query(question)))
        facts_ok = o.facts is not None and judge(item, o.facts[0], [])["correct"]
        quote_ok = o.quote is not None and judge(item, answer_passage(index, o.quote), [])["correct"]
        out.append((item, q, o, facts_ok, quote_ok))
    return out


def outcome(rows, limits: Thresholds) -> tuple[int, int, int]:
    """(correct, wrong refusals, answered out-of-corpus questions)."""
    correct = wrong_refusals = answered_none = 0
    for item, q, o, facts_ok, quote_ok in rows:
        choice = decide(q, o, limits)
        if item["type"] == "none":
            correct += choice == "none"
            answered_none += choice != "none"
        else:
            wrong_refusals += choice == "none"
            correct += (choice == "facts" and facts_ok) or (choice == "passage" and quote_ok)
    return correct, wrong_refusals, answered_none


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-index", type=Path, required=True)
    parser.add_argument("--seed-index", type=Path, required=True)
    parser.add_argument("--write", action="store_true", help="write the thresholds into calibration.toml")
    args = parser.parse_args()
    rows = []
    for name, folder in (("real", args.real_index), ("seed", args.seed_index)):
        index = load_index(folder)
        rows += replayable(index, TUNING[name])
    base = index.thresholds
    scored = []
    for c in COVERAGE:
        for m in MISSING:
            for f in FLOOR:
                correct, wrong, answered = outcome(rows, replace(base, coverage=c, missing=m, floor=f))
                scored.append((correct - wrong, correct, wrong, answered, c, m, f))
    best = max(scored, key=lambda s: (s[0], -s[2], s[4], s[6]))
    _, correct, wrong, answered, c, m, f = best
    print(f"{len(rows)} 道题：coverage ≥ {c}，missing ≤ {m}，cosine ≥ {f} → 正确 {correct}，错误拒答 {wrong}，"
          f"库外题被回答 {answered}")
    if args.write:
        write(index.manifest["model"], c, m, base.dense, f)
        print(f"已写入 {CALIBRATION}")
    return 0


def write(model: str, coverage: float, missing: float, dense: float, floor: float) -> None:
    """Replace (or add) the embedder's section of calibration.toml, keeping the others."""
    lines = CALIBRATION.read_text(encoding="utf-8").splitlines()
    out, skip = [], False
    for line in lines:
        if line.startswith("["):
            skip = line.strip() == f'["{model}"]'
        if not skip:
            out.append(line)
    out += [f'["{model}"]', f"coverage = {coverage}", f"missing = {missing}", f"dense = {dense}", f"floor = {floor}"]
    CALIBRATION.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
