"""Data types of the matching engine's public interface (no Django, no numpy in signatures)."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS: tuple[str, ...] = ("achievement", "expert", "platform", "instrument", "enterprise")

# Filter fields the platform uses.  Any tag field present in the indexed documents is accepted too;
# a field neither listed here nor seen in the corpus is a typo and raises MatchError naming it.
KNOWN_FILTER_FIELDS: tuple[str, ...] = (
    "kind",
    "discipline",
    "category",
    "region",
    "chain",
    "industry",
    "maturity",
    "mode",
)


class MatchError(ValueError):
    """Bad input to the engine; the message is in Chinese and names the offending field."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Document:
    """One searchable record: an achievement, expert, platform, instrument or enterprise."""

    id: str
    title: str
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    discipline: str = ""
    category: str = ""
    kind: str = "achievement"
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def validate(self, where: str = "") -> None:
        prefix = f"{where}：" if where else ""
        if not isinstance(self.id, str) or not self.id.strip():
            raise MatchError(f"{prefix}缺少字段 id（记录编号）或其为空", field="id")
        if not isinstance(self.title, str):
            raise MatchError(f"{prefix}字段 title（标题）必须是文本", field="title")
        if self.kind not in KINDS:
            raise MatchError(
                f"{prefix}字段 kind（类型）取值“{self.kind}”无效，应为 {'/'.join(KINDS)} 之一", field="kind"
            )
        for name, values in self.tags.items():
            if not isinstance(values, tuple | list) or not all(isinstance(v, str) for v in values):
                raise MatchError(f"{prefix}标签字段 {name} 必须是文本列表", field=name)


@dataclass(frozen=True)
class Query:
    """A demand (or any text) to match, with structured filters.

    ``filters`` maps a field (region, chain, discipline, maturity, mode, category, ...) to accepted
    values: a document passes when, for every field, it has at least one of the values.
    ``kinds`` restricts the result types (None = all).  ``boosts`` multiplies the score of documents
    carrying one of the given tag values by ``1 + BOOST`` (a preference, not a filter).
    """

    title: str = ""
    description: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kinds: tuple[str, ...] | None = None
    boosts: dict[str, tuple[str, ...]] = field(default_factory=dict)


def query_for_document(doc: Document, kinds: tuple[str, ...] | None = ("enterprise",)) -> Query:
    """The reverse direction: from an achievement (or any record), a query for who may need it.

    Enterprises are indexed as ``Document(kind="enterprise")`` with their demands, industry and
    business scope as text; searching with this query and ``kinds=("enterprise",)`` ranks them.
    """
    desc = " ".join([*doc.keywords, doc.abstract]).strip()
    return Query(title=doc.title, description=desc, kinds=kinds)


@dataclass(frozen=True)
class TermContribution:
    term: str
    score: float  # this term's share of the lexical (word BM25) score
    fields: tuple[str, ...]  # document fields containing it: title / keywords / abstract


@dataclass(frozen=True)
class Neighbour:
    """A query term linked to a *different* document term by the dense (LSA) term vectors."""

    query_term: str
    doc_term: str
    similarity: float


@dataclass(frozen=True)
class Explanation:
    shared_terms: tuple[TermContribution, ...] = ()
    matched_fields: tuple[str, ...] = ()
    matched_tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    neighbours: tuple[Neighbour, ...] = ()
    channels: dict[str, float] = field(default_factory=dict)  # per-channel normalised scores

    def terms(self) -> list[str]:
        """Every term worth highlighting in the document (shared and neighbour terms)."""
        return [t.term for t in self.shared_terms] + [n.doc_term for n in self.neighbours]


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    kind: str
    explanation: Explanation = field(default_factory=Explanation)
    # Calibrated probability (0-1) that this is a right answer to the query; see calibration.py.  Unlike
    # ``score`` (which ranks hits of one query), it is comparable across queries.
    relevance: float = 0.0
