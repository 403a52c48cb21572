"""Leave-one-genre-out view of the 公开属性 suggestion on a dev classify set.

For each 文种 (read from the title/masthead, as the rules read it) it reports the drafts, the accuracy,
the costly errors (should not be 公开发布, suggested 公开发布) and how the answers were decided
(rule vs similarity). Genres with low accuracy or many similarity decisions are where the rules do not
generalise. Dev only: never run it on eval/sets/test/.

    python -m benchmarks.classify_genres [eval/sets/dev/classify.yaml] [--ids]
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from tools.attribute import PUBLIC, classify_document

DEFAULT = Path(__file__).resolve().parents[1] / "eval" / "sets" / "dev" / "classify.yaml"


def main(argv: list[str]) -> int:
    show_ids = "--ids" in argv
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else DEFAULT
    if "sets/test" in path.as_posix():
        print("只用于开发集：盲写测试集不得逐项查看。", file=sys.stderr)
        return 2
    items = yaml.safe_load(path.read_text("utf-8"))["items"]
    rows: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for item in items:
        c = classify_document(item["text"])
        rows[c.genre or "（未识别）"].append((item["id"], item["expected"], c.attribute, c.method))
    print(f"{'文种':<10} {'篇数':>4} {'准确率':>6} {'误公开':>4} {'相似度决定':>6}")
    total = correct = costly = 0
    for genre, got in sorted(rows.items(), key=lambda kv: -len(kv[1])):
        ok = sum(1 for _, exp, pred, _ in got if exp == pred)
        bad = sum(1 for _, exp, pred, _ in got if pred == PUBLIC and exp != PUBLIC)
        sim = Counter(m for *_, m in got)["similarity"]
        total, correct, costly = total + len(got), correct + ok, costly + bad
        print(f"{genre:<10} {len(got):>4} {ok / len(got):>6.2f} {bad:>4} {sim:>6}")
        if show_ids:
            for iid, exp, pred, method in got:
                if exp != pred:
                    print(f"    {iid}: 应为 {exp}，建议 {pred}（{method}）")
    print(f"{'合计':<10} {total:>4} {correct / total:>6.3f} {costly:>4}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
