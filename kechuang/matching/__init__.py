"""Matching engine (技术供需智能匹配): demands to achievements, experts, platforms, instruments.

Pure Python + numpy/scipy + rjieba; imports nothing from Django so it can be tested, benchmarked and
driven from the command line alone.  The platform's adapters turn model instances into ``Document``s.

    index = MatchIndex.build(docs, progress=cb)
    index.save(Path("var/index/matching"))          # new version + atomic 'current' swap
    index = MatchIndex.load(Path("var/index/matching"))  # memory-mapped, shared between processes
    hits = index.search(Query(title=..., description=..., filters={"region": ("530111",)}), k=10)
    index.upsert(doc); index.remove(doc_id)           # visible at once, folded in by the next save()
"""

from .analysis import MAX_QUERY_CHARS, Analyzer, highlight
from .index import MatchIndex, Params, prune_versions
from .types import (
    KINDS,
    KNOWN_FILTER_FIELDS,
    Document,
    Explanation,
    Hit,
    MatchError,
    Neighbour,
    Query,
    TermContribution,
    query_for_document,
)

__all__ = [
    "KINDS",
    "KNOWN_FILTER_FIELDS",
    "MAX_QUERY_CHARS",
    "Analyzer",
    "Document",
    "Explanation",
    "Hit",
    "MatchError",
    "MatchIndex",
    "Neighbour",
    "Params",
    "Query",
    "TermContribution",
    "highlight",
    "prune_versions",
    "query_for_document",
]
