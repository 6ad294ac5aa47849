"""Near-duplicate names and titles: normalised character-bigram Jaccard with a prefix filter."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from kechuang.core.tabular.spec import MergeCandidate

_ORG_NOISE = re.compile(
    r"股份有限公司|有限责任公司|有限公司|集团|公司|云南省|云南|昆明市|昆明|[\(（][^\)）]*[\)）]|[\s\-_·.,，、“”\"'（）()]"
)


def normalise_title(title: str) -> str:
    """Strip what does not tell two organisations apart: legal form, city/province prefix, brackets, spaces."""
    s = unicodedata.normalize("NFKC", title or "").lower()
    stripped = _ORG_NOISE.sub("", s)
    return stripped or s.strip()


def bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i: i + 2] for i in range(len(text) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicates(
    new: Sequence[tuple[int, str]], existing: Iterable[tuple[Any, str]], threshold: float = 0.75,
    *, per_row: int = 3, limit: int = 2000, skip: set[tuple[int, Any]] | None = None,
) -> list[MergeCandidate]:
    """Pairs (new row, earlier new row or existing record) whose normalised titles have bigram Jaccard ≥ t.

    A prefix filter (as in set-similarity joins, PPJoin) keeps it fast: order each bigram set by global
    frequency, rarest first; two sets with Jaccard ≥ t must share one of their first |s| - ⌈t·|s|⌉ + 1 bigrams.
    So only the rare bigrams are indexed and common ones ("科技") never produce candidate pairs by themselves.
    """
    skip = skip or set()
    entries: list[tuple[str, Any, str, frozenset[str]]] = []  # (kind, id, title, tokens)
    for pk, title in existing:
        entries.append(("db", pk, title, bigrams(normalise_title(title))))
    for row, title in new:
        entries.append(("row", row, title, bigrams(normalise_title(title))))
    df: Counter[str] = Counter()
    for _, _, _, tokens in entries:
        df.update(tokens)
    index: dict[str, list[int]] = defaultdict(list)
    out: list[MergeCandidate] = []
    for i, (kind, ident, title, tokens) in enumerate(entries):
        if not tokens:
            continue
        ordered = sorted(tokens, key=lambda t: (df[t], t))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        if kind == "row" and len(out) < limit:
            seen: set[int] = set()
            found = 0
            for t in prefix:
                for j in index.get(t, ()):
                    if j in seen:
                        continue
                    seen.add(j)
                    okind, oid, otitle, otokens = entries[j]
                    # Length filter: |a|/|b| must be ≥ t for Jaccard ≥ t.
                    if min(len(tokens), len(otokens)) < threshold * max(len(tokens), len(otokens)):
                        continue
                    if (ident, oid) in skip:
                        continue
                    sim = jaccard(tokens, otokens)
                    if sim >= threshold:
                        out.append(MergeCandidate(
                            row=ident, title=title, similarity=round(sim, 3), other_title=otitle,
                            existing_id=oid if okind == "db" else None, other_row=oid if okind == "row" else None,
                        ))
                        found += 1
                        if found >= per_row:
                            break
                if found >= per_row:
                    break
        for t in prefix:
            index[t].append(i)
    return out


