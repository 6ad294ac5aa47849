"""Recommendations: turn engine hits into records a page or the API can show, with the explanation.

The index may lag the database by a rebuild, so every hit is re-checked against the database (still published,
still visible to the user) before it is shown; a hit whose record is gone is dropped, never shown stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from kechuang.market.choices import Industry, Maturity, Status, TargetKind, TransferMode
from kechuang.market.indexing import get_index, split_doc_id
from kechuang.matching import Hit, MatchError, Query, highlight

KIND_LABELS = dict(TargetKind.choices)
# The calibrated relevance (docs/matching.md): below 3 % a hit was the right answer 3 times in 1,000 on the
# development demands, so it is not listed at all; the bands are the ones the reliability table was read in.
RELEVANCE_FLOOR = 0.03
BANDS = ((0.5, "高"), (0.2, "中"), (RELEVANCE_FLOOR, "低"))


def band_of(relevance: float) -> str:
    return next((label for floor, label in BANDS if relevance >= floor), "")
FIELD_LABELS = {"title": "标题", "keywords": "关键词", "abstract": "摘要"}
TAG_LABELS = {"industry": "产业", "maturity": "成熟度", "mode": "转化方式", "region": "地区", "discipline": "学科",
              "kind": "类型", "chain": "产业链"}
TAG_VALUE_LABELS: dict[str, dict[str, str]] = {"industry": dict(Industry.choices), "mode": dict(TransferMode.choices),
                    "maturity": {str(k): v for k, v in Maturity.choices}}


@dataclass
class Recommendation:
    doc_id: str
    kind: str
    pk: str
    score: float  # the engine's fused score: orders one query's hits, never shown (kept with feedback)
    relevance: float  # calibrated chance (0-1) that this is what the query asks for; what pages show
    rank: int
    title: str
    url: str
    obj: Any
    subtitle: str = ""
    title_parts: list[tuple[str, bool]] = field(default_factory=list)
    snippet_parts: list[tuple[str, bool]] = field(default_factory=list)
    shared_terms: list[tuple[str, float]] = field(default_factory=list)
    neighbours: list[tuple[str, str, float]] = field(default_factory=list)
    matched_fields: list[str] = field(default_factory=list)
    matched_tags: list[str] = field(default_factory=list)
    feedback: Any = None  # the viewing broker's latest verdict, when there is one

    @property
    def kind_label(self) -> str:
        if self.kind == "achievement" and getattr(self.obj, "is_literature", False):
            return "科技文献"
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_literature(self) -> bool:
        return bool(getattr(self.obj, "is_literature", False))

    @property
    def band(self) -> str:
        return band_of(self.relevance)

    @property
    def percent(self) -> int:
        # Never "100%": the best band was right about three times in four on the dev demands (docs/matching.md).
        return min(99, max(1, round(self.relevance * 100)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.doc_id, "kind": self.kind, "object_id": self.pk, "rank": self.rank, "score": self.score,
            "relevance": self.relevance, "relevance_band": self.band, "title": self.title, "url": self.url,
            "explanation": {
                "shared_terms": [{"term": t, "contribution": s} for t, s in self.shared_terms],
                "matched_fields": self.matched_fields,
                "matched_tags": self.matched_tags,
                "neighbours": [{"query_term": q, "doc_term": d, "similarity": s} for q, d, s in self.neighbours],
            },
        }


def _snippet(text: str, terms: list[str], width: int = 160) -> str:
    """A window of the text around the first highlighted term, so the reason is visible without scrolling."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    first = min((text.find(t) for t in terms if t and text.find(t) >= 0), default=0)
    start = max(0, first - width // 4)
    return ("…" if start else "") + text[start:start + width] + "…"


def _load(kind: str, pks: list[str], user: Any) -> dict[str, Any]:
    from kechuang.market.models import Achievement

    ints = [int(p) for p in pks if p.isdigit()]
    if kind == "achievement":
        qs = Achievement.objects.restrict(user, "view").filter(pk__in=ints, status=Status.PUBLISHED)
        return {str(o.pk): o for o in qs.select_related("owner")}
    model_name = {"enterprise": "Organisation", "expert": "Person", "platform": "Platform",
                  "instrument": "Instrument"}.get(kind)
    if model_name is None:
        return {}
    try:
        model = apps.get_model("directory", model_name)
    except LookupError:
        return {}
    qs = model.objects.filter(pk__in=ints)
    if hasattr(qs, "restrict"):
        qs = qs.restrict(user, "view")
    return {str(o.pk): o for o in qs}


def _describe(kind: str, obj: Any) -> tuple[str, str, str, str]:
    """(title, url, subtitle, body text) for any kind of target."""
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    if kind == "achievement":
        owner = obj.owner.name if obj.owner else "科技文献"
        sub = " · ".join(x for x in [owner, obj.discipline, f"成熟度{obj.maturity_short}" if obj.maturity else ""]
                         if x)
        return obj.title, url, sub, f"{obj.keywords_text}。{obj.abstract}"
    if kind == "enterprise":
        if not url:
            from django.urls import reverse

            url = reverse("directory:organisation_detail", args=[obj.pk])
        from kechuang.market.models import Demand

        demands = Demand.objects.filter(organisation=obj, status=Status.PUBLISHED).order_by("-published_at")[:3]
        body = "。".join(x for x in ("；".join(d.title for d in demands), obj.business_scope or "") if x)
        return obj.name, url, obj.region_name if hasattr(obj, "region_name") else "", body
    from django.urls import reverse

    route = {"expert": "directory:person_detail", "platform": "directory:platform_detail",
             "instrument": "directory:instrument_detail"}.get(kind)
    url = url or (reverse(route, args=[obj.pk]) if route else "")
    org = getattr(obj, "organisation", None)
    if kind == "expert":
        sub = " · ".join(x for x in (obj.title, obj.get_kind_display(), org.name if org else "") if x)
        return obj.name, url, sub, f"{obj.fields}。{obj.bio}"
    if kind == "platform":
        sub = " · ".join(x for x in (f"{obj.get_level_display()}{obj.get_kind_display()}", org.name if org else "") if x)
        return obj.name, url, sub, f"{obj.fields}。{obj.description}"
    if kind == "instrument":
        sub = " · ".join(x for x in (obj.model_number, org.name if org else "") if x)
        return obj.name, url, sub, f"{obj.category}。{obj.sharing_terms}"
    return str(obj), url, "", ""


def _chain_names() -> dict[str, str]:
    from kechuang.directory.models import IndustryChain

    return dict(IndustryChain.objects.values_list("code", "name"))


def to_recommendations(hits: list[Hit], user: Any) -> list[Recommendation]:
    by_kind: dict[str, list[str]] = {}
    for h in hits:
        kind, pk = split_doc_id(h.id)
        by_kind.setdefault(kind, []).append(pk)
    objects = {kind: _load(kind, pks, user) for kind, pks in by_kind.items()}
    out: list[Recommendation] = []
    for h in hits:
        kind, pk = split_doc_id(h.id)
        obj = objects.get(kind, {}).get(pk)
        if obj is None:
            continue
        title, url, subtitle, body = _describe(kind, obj)
        ex = h.explanation
        # Shared words only: the LSA "semantic neighbours" are not confident enough to show (docs/matching.md).
        terms = [c.term for c in ex.shared_terms]
        tags = []
        for name, values in ex.matched_tags.items():
            if name == "kind":
                continue
            labels = TAG_VALUE_LABELS.get(name) or (_chain_names() if name == "chain" else {})
            tags.append(f"{TAG_LABELS.get(name, name)}：{'、'.join(labels.get(v, v) for v in values)}")
        out.append(Recommendation(
            doc_id=h.id, kind=kind, pk=pk, score=round(h.score, 4), relevance=h.relevance, rank=len(out) + 1,
            title=title, url=url, obj=obj,
            subtitle=subtitle, title_parts=highlight(title, terms), snippet_parts=highlight(_snippet(body, terms), terms),
            # One character (料, 上) tells a reader nothing about why two records match.
            shared_terms=[(t.term, round(t.score, 3)) for t in ex.shared_terms if len(t.term) > 1][:8],
            matched_fields=[FIELD_LABELS.get(f, f) for f in ex.matched_fields], matched_tags=tags,
        ))
    return out


def _search(query: Query, k: int, user: Any) -> tuple[list[Recommendation], str]:
    index = get_index()
    if index is None:
        return [], "匹配索引尚未建立（运行 kechuang index build）"
    try:
        # Ask for a few more than shown: some hits may have been withdrawn since the last rebuild.
        hits = index.search(query, k=k + 5)
    except MatchError as exc:
        return [], str(exc)
    # The engine always fills k slots; only hits above the absolute floor of the calibrated relevance are
    # shown (a floor relative to the best hit let a query that matches nothing list 30 rows).
    hits = [h for h in hits if h.relevance >= RELEVANCE_FLOOR]
    return to_recommendations(hits, user)[:k], ""


def for_demand(demand: Any, user: Any, *, kinds: tuple[str, ...] = ("achievement",), k: int = 8,
               ) -> tuple[list[Recommendation], str]:
    description = f"{demand.description}\n{'、'.join(demand.keywords or [])}"
    boosts: dict[str, tuple[str, ...]] = {"industry": (str(demand.industry),)} if demand.industry else {}
    return _search(Query(title=demand.title, description=description, kinds=kinds, boosts=boosts), k, user)


def split_literature(recs: list[Recommendation], k: int = 8, k_literature: int = 4,
                     ) -> tuple[list[Recommendation], list[Recommendation]]:
    """Listed achievements and 科技文献 apart, each numbered from 1, so papers never crowd out local offers."""
    listed = [r for r in recs if not r.is_literature][:k]
    papers = [r for r in recs if r.is_literature][:k_literature]
    for group in (listed, papers):
        for i, r in enumerate(group, 1):
            r.rank = i
    return listed, papers


def for_achievement(achievement: Any, user: Any, *, k: int = 6) -> tuple[list[Recommendation], str]:
    """The enterprises likely to need an achievement: their published demands and business scope."""
    description = f"{achievement.abstract}\n{'、'.join(achievement.keywords or [])}"
    return _search(Query(title=achievement.title, description=description, kinds=("enterprise",)), k, user)


def available_kinds() -> list[tuple[str, str]]:
    """Target kinds present in the current index (experts etc. appear once the directory provides them)."""
    index = get_index()
    if index is None:
        return []
    present = {key.split("\t", 1)[1] for key in index.main.tags if key.startswith("kind\t")}
    return [(k, v) for k, v in TargetKind.choices if k in present]
