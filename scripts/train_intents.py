"""Write the question classifier's training data (kspolicy/answer/intents.tsv) and report its accuracy.

The training sets are the seed question sets and our own real-document tuning set
(tests/eval/seed/*, tests/eval/real/extra_questions.jsonl); the shared real dev set and
our held-out real set are never trained on and are reported separately. Questions of
type `none` have no intent and are left out.

Usage: python scripts/train_intents.py [--folds 5]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kspolicy.answer.intent import DATA, INTENTS, normalise, train  # noqa: E402

ASKS_ONE = re.compile(r"多少|几|是多少|定的|怎么定|目标是")
TRAIN = [*sorted((ROOT / "tests/eval/seed").glob("*_questions.jsonl")), ROOT / "tests/eval/real/extra_questions.jsonl"]
UNSEEN = [ROOT.parent / "shared/eval/real_dev_questions.jsonl", ROOT / "tests/eval/real/holdout_questions.jsonl"]


def route(item: dict) -> str:
    """The answer route a labelled question takes: a district's single number is a target
    question (the sets label it by what it is about); listing a district's targets is not."""
    if item["type"] == "district_targets" and ASKS_ONE.search(item["q"]):
        return "target"
    return item["type"]


def labelled(paths: list[Path]) -> list[tuple[str, str]]:
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line) if line.strip() else None
            if item and item["type"] in INTENTS:
                out.append((item["q"], route(item)))
    return out


def accuracy(model, pairs: list[tuple[str, str]]) -> float:
    return sum(model.predict(normalise(q)) == t for q, t in pairs) / max(1, len(pairs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    pairs = labelled(TRAIN)
    DATA.write_text("# intent<TAB>question; written by scripts/train_intents.py from tests/eval\n"
                    + "".join(f"{t}\t{q}\n" for q, t in pairs), encoding="utf-8")
    shuffled = pairs[:]
    random.Random(7).shuffle(shuffled)
    folds = [shuffled[i::args.folds] for i in range(args.folds)]
    cv = [accuracy(train([(normalise(q), t) for f in folds if f is not held for q, t in f]), held) for held in folds]
    model = train([(normalise(q), t) for q, t in pairs])
    print(f"训练题 {len(pairs)} 道；{args.folds} 折交叉验证准确率 {100 * sum(cv) / len(cv):.1f}%")
    for path in UNSEEN:
        unseen = labelled([path])
        print(f"未参与训练的 {path.parent.name}/{path.name}：{len(unseen)} 道，准确率 {100 * accuracy(model, unseen):.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
