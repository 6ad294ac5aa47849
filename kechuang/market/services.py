"""Writes of the technology market. Each service is keyword-only, atomic and checks permission itself, so the
pages, the API, the admin and the import all get the same rules.

Every status change goes through ``transition()``; every change that touches a published record schedules an
index refresh on commit (``indexing.schedule_refresh``) so recommendations never show a rolled-back change.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError
from kechuang.core.permissions import permits
from kechuang.core.updates import check_fields, clean_or_raise
from kechuang.directory.models import Organisation
from kechuang.market import indexing
from kechuang.market.choices import FeedbackVerdict, Status, TargetKind
from kechuang.market.models import Achievement, Demand, Listing, MatchFeedback
from kechuang.market.workflow import ACHIEVEMENT_WORKFLOW, DEMAND_WORKFLOW
from kechuang.workflow.engine import Workflow, transition

ACHIEVEMENT_FIELDS = ("title", "abstract", "keywords", "discipline", "industry", "maturity", "patent_numbers",
                      "transfer_modes", "price_yuan", "industry_chains")
DEMAND_FIELDS = ("title", "description", "keywords", "industry", "cooperation_mode", "budget_yuan", "deadline",
                 "region_code", "industry_chains")


def _organisation_for(actor: Any, organisation: Organisation | None) -> Organisation:
    """Members create for their own organisation; bureau staff may create on behalf of a named one."""
    if not getattr(actor, "is_authenticated", False):
        raise ApplicationError("请先登录")
    if organisation is not None and getattr(actor, "is_bureau", False):
        return organisation
    if actor.organisation_id is None:
        raise ApplicationError("您的账户未关联机构，不能发布成果或需求", field="organisation")
    if organisation is not None and organisation.pk != actor.organisation_id:
        raise ApplicationError("只能以本机构名义发布", field="organisation")
    return actor.organisation


def _clean_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        import re

        value = re.split(r"[;；,，、\s]+", value)
    return [str(v).strip() for v in value if str(v).strip()]


def _apply(obj: Listing, fields: tuple[str, ...], data: dict[str, Any]) -> Any:
    """Set and validate the plain fields; returns the chains (many-to-many: set after the row is saved)."""
    check_fields(data, fields)
    chains = data.pop("industry_chains", None)
    for name, value in data.items():
        if name in ("keywords", "patent_numbers", "transfer_modes"):
            value = _clean_list(value)
        setattr(obj, name, value)
    clean_or_raise(obj)
    return chains


def _save(obj: Listing, chains: Any, actor: Any) -> None:
    with acting_as(actor):
        obj.save()
    if chains is not None:
        obj.industry_chains.set(chains)


def _check_editable(obj: Listing, actor: Any) -> None:
    if not permits(actor, "change", obj):
        raise ApplicationError("只能修改本机构处于草稿状态的记录")


@transaction.atomic
def achievement_create(*, actor: Any, organisation: Organisation | None = None, **data: Any) -> Achievement:
    obj = Achievement(owner=_organisation_for(actor, organisation), status=Status.DRAFT)
    _save(obj, _apply(obj, ACHIEVEMENT_FIELDS, data), actor)
    return obj


@transaction.atomic
def achievement_update(*, achievement: Achievement, actor: Any, **data: Any) -> Achievement:
    _check_editable(achievement, actor)
    _save(achievement, _apply(achievement, ACHIEVEMENT_FIELDS, data), actor)
    indexing.schedule_refresh(achievement)
    return achievement


@transaction.atomic
def demand_create(*, actor: Any, organisation: Organisation | None = None, **data: Any) -> Demand:
    org = _organisation_for(actor, organisation)
    data.setdefault("region_code", org.region_code)
    obj = Demand(organisation=org, status=Status.DRAFT)
    _save(obj, _apply(obj, DEMAND_FIELDS, data), actor)
    return obj


@transaction.atomic
def demand_update(*, demand: Demand, actor: Any, **data: Any) -> Demand:
    _check_editable(demand, actor)
    _save(demand, _apply(demand, DEMAND_FIELDS, data), actor)
    indexing.schedule_refresh(demand)
    return demand


def _move(obj: Listing, workflow: Workflow, trigger: str, actor: Any, comment: str = "") -> Listing:
    with acting_as(actor):  # 驳回's reason becomes review_comment through the step's own form (workflow.py)
        transition(obj, workflow, trigger, actor=actor, comment=comment)
    # Publication, closing and withdrawal change what the matching index should contain.
    indexing.schedule_refresh(obj)
    return obj


@transaction.atomic
def achievement_submit(*, achievement: Achievement, actor: Any) -> Achievement:
    return _move(achievement, ACHIEVEMENT_WORKFLOW, "submit", actor)  # type: ignore[return-value]


@transaction.atomic
def achievement_publish(*, achievement: Achievement, actor: Any) -> Achievement:
    return _move(achievement, ACHIEVEMENT_WORKFLOW, "publish", actor)  # type: ignore[return-value]


@transaction.atomic
def achievement_reject(*, achievement: Achievement, reason: str, actor: Any) -> Achievement:
    return _move(achievement, ACHIEVEMENT_WORKFLOW, "reject", actor, reason)  # type: ignore[return-value]


@transaction.atomic
def achievement_close(*, achievement: Achievement, actor: Any) -> Achievement:
    return _move(achievement, ACHIEVEMENT_WORKFLOW, "close", actor)  # type: ignore[return-value]


@transaction.atomic
def achievement_withdraw(*, achievement: Achievement, actor: Any) -> Achievement:
    return _move(achievement, ACHIEVEMENT_WORKFLOW, "withdraw", actor)  # type: ignore[return-value]


@transaction.atomic
def demand_submit(*, demand: Demand, actor: Any) -> Demand:
    return _move(demand, DEMAND_WORKFLOW, "submit", actor)  # type: ignore[return-value]


@transaction.atomic
def demand_publish(*, demand: Demand, actor: Any) -> Demand:
    return _move(demand, DEMAND_WORKFLOW, "publish", actor)  # type: ignore[return-value]


@transaction.atomic
def demand_reject(*, demand: Demand, reason: str, actor: Any) -> Demand:
    return _move(demand, DEMAND_WORKFLOW, "reject", actor, reason)  # type: ignore[return-value]


@transaction.atomic
def demand_close(*, demand: Demand, actor: Any) -> Demand:
    return _move(demand, DEMAND_WORKFLOW, "close", actor)  # type: ignore[return-value]


@transaction.atomic
def demand_withdraw(*, demand: Demand, actor: Any) -> Demand:
    return _move(demand, DEMAND_WORKFLOW, "withdraw", actor)  # type: ignore[return-value]


# The workflow of each stored kind (the ListingKind key is the model's name): a posted step goes straight to the
# transition table — its form takes the comment (驳回's reason becomes review_comment as the step's effect), so no
# service branches on the trigger.
WORKFLOWS: dict[str, Workflow] = {"achievement": ACHIEVEMENT_WORKFLOW, "demand": DEMAND_WORKFLOW}


@transaction.atomic
def listing_transition(*, obj: Listing, trigger: str, actor: Any, reason: str = "") -> Listing:
    """Any step of a listing's workflow, by trigger: ``reason`` is the step's comment (required for 驳回)."""
    return _move(obj, WORKFLOWS[str(obj._meta.model_name)], trigger, actor, reason)


def can_give_feedback(user: Any) -> bool:
    from kechuang.accounts.choices import Role

    return bool(getattr(user, "is_authenticated", False) and (user.is_bureau or user.role == Role.BROKER))


@transaction.atomic
def match_feedback_record(*, actor: Any, verdict: str, target_kind: str, target_id: str,
                          demand: Demand | None = None, achievement: Achievement | None = None,
                          rank: int | None = None, score: float | None = None, note: str = "") -> MatchFeedback:
    """Store a broker's verdict on one match; the latest verdict per (author, pair) is the one that counts."""
    if not can_give_feedback(actor):
        raise ApplicationError("只有技术经理人和科技局工作人员可以标记匹配结果")
    if verdict not in FeedbackVerdict.values:
        raise ApplicationError("反馈取值无效", field="verdict")
    if target_kind not in TargetKind.values:
        raise ApplicationError("匹配对象类型无效", field="target_kind")
    if (demand is None) == (achievement is None):
        raise ApplicationError("请指明反馈针对的技术需求或科技成果")
    source = demand if demand is not None else achievement
    assert source is not None
    if not permits(actor, "view", source):
        raise ApplicationError("无权访问该记录")
    with acting_as(actor):
        return MatchFeedback.objects.create(
            demand=demand, achievement=achievement, target_kind=target_kind, target_id=str(target_id)[:64],
            verdict=verdict, rank=rank, score=score, note=note[:300], author=actor,
        )
