"""Finding solvers: on publication the matching engine proposes achievements, experts, platforms and enterprises
or institutes for a challenge, with its explanation; staff invite a proposal and its unit's members are told."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import IntegrityError, transaction

from kechuang.challenges.models import Challenge, Invitation
from kechuang.core.exceptions import ApplicationError
from kechuang.market import recommend
from kechuang.matching import MatchError, Query
from kechuang.workflow.engine import send

KINDS = ("achievement", "expert", "platform", "enterprise")


def proposals(ch: Challenge, user: Any, k: int = 8) -> tuple[list[recommend.Recommendation], str]:
    """The engine's proposals above the calibrated relevance floor, or ([], a Chinese reason)."""
    index = recommend.get_index()
    if index is None:
        return [], "匹配索引尚未建立，暂无推荐（运行 kechuang index build）"
    description = "\n".join([ch.problem, ch.scenario, *[f"{i.name} {i.target}" for i in ch.indicators.all()]])
    try:
        hits = index.search(Query(title=ch.title, description=description, kinds=KINDS), k=k + 5)
    except MatchError as exc:
        return [], str(exc)
    hits = [h for h in hits if h.relevance >= recommend.RELEVANCE_FLOOR]
    recs = recommend.to_recommendations(hits, user)[:k]
    return recs, "" if recs else "没有找到相关度足够的成果、专家或机构"


def _organisation_of(kind: str, obj: Any) -> Any:
    if kind == "achievement":
        return obj.owner
    if kind == "enterprise":
        return obj
    return getattr(obj, "organisation", None)


@transaction.atomic
def invite(*, challenge: Challenge, kind: str, pk: str, actor: Any) -> Invitation:
    if not getattr(actor, "is_bureau", False):
        raise ApplicationError("仅科技局工作人员可以邀请揭榜")
    if kind not in KINDS:
        raise ApplicationError("邀请对象类型无效", field="kind")
    obj = recommend._load(kind, [pk], actor).get(pk)
    if obj is None:
        raise ApplicationError("邀请对象不存在或已不公开", field="pk")
    title = recommend._describe(kind, obj)[0]
    org = _organisation_of(kind, obj)
    try:
        with transaction.atomic():
            inv = Invitation.objects.create(challenge=challenge, kind=kind, target_pk=pk, title=title[:300],
                                            organisation=org, invited_by=actor)
    except IntegrityError:
        raise ApplicationError(f"已邀请过“{title}”") from None
    if org is not None:
        send([(u, f"科技局邀请贵单位揭榜“{challenge.title}”（推荐依据：{title}）", f"/challenges/{challenge.pk}/")
              for u in org.members.filter(is_active=True)])
    return inv


def publication_audience(ch: Challenge, actor: Any, already: Collection[Any] = ()) -> list[tuple[Any, str, str]]:
    """Who hears of a 榜单 when it is published (besides its issuer): the members of units already invited, and of
    the units the matching proposes (an achievement's holder, an expert's or platform's unit, an enterprise or
    institute), plus the proposed experts themselves where they sign in as reviewers. Each person once.
    The platform has no subscription to an industry chain, so nobody is told merely for sharing the chain."""
    from kechuang.challenges.models import Expert

    url = f"/challenges/{ch.pk}/"
    deadline = f"，揭榜截止日期 {ch.deadline:%Y-%m-%d}" if ch.deadline else ""
    out: list[tuple[Any, str, str]] = []
    seen = set(already)

    def add(users: Any, text: str) -> None:
        for u in users:
            if u is not None and u.pk not in seen and u.organisation_id != ch.issuer_id:
                seen.add(u.pk)
                out.append((u, text, url))

    for inv in ch.invitations.select_related("organisation"):
        if inv.organisation is not None:
            add(inv.organisation.members.filter(is_active=True),
                f"贵单位受邀揭榜的榜单“{ch.title}”已发榜{deadline}")
    recs, _ = proposals(ch, actor)
    for r in recs:
        why = f"（推荐依据：{r.title}）"
        org = _organisation_of(r.kind, r.obj)
        if org is not None:
            add(org.members.filter(is_active=True), f"新发榜单“{ch.title}”与贵单位相关{why}{deadline}")
        if r.kind == "expert":
            expert = Expert.objects.filter(person_id=r.obj.pk).select_related("user").first()
            if expert is not None and expert.user.is_active:
                add([expert.user], f"新发榜单“{ch.title}”与您的专业领域相关{why}{deadline}")
    return out
