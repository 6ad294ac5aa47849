"""验收 (市场判题): the acceptance experts judge the result line by line against the challenge's 验收方式与标准 and each
量化技术指标 (达到 / 未达到 with a comment); the issuer then confirms 通过 (→ 结题) or asks 整改; staff may 终止.

A line passes when more than half of the round's experts say 达到; the experts' conclusion is 通过 when every line
passes. Each entry into 验收 starts a new round (``Challenge.acceptance_round``), so verdicts given before a 整改
are kept but no longer count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from kechuang.challenges.choices import (
    ACTIVE_ASSIGNMENT_STATES,
    AssignmentStage,
    AssignmentStatus,
    ChallengeStatus,
)
from kechuang.challenges.models import AcceptanceReview, Assignment, Challenge
from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError

STANDARD = "standard"  # the verdict key of the 验收方式与标准 itself (the indicators are keyed by their id)


@dataclass
class Line:
    key: str
    name: str
    target: str
    met: int = 0
    not_met: int = 0
    comments: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.met * 2 > self.met + self.not_met


@dataclass
class Tally:
    experts: int
    missing: int
    lines: list[Line]
    reviews: list[AcceptanceReview]

    @property
    def complete(self) -> bool:
        return self.experts > 0 and self.missing == 0

    @property
    def passed(self) -> bool:
        return self.complete and all(line.passed for line in self.lines)

    def failed_names(self) -> list[str]:
        return [line.name for line in self.lines if not line.passed]


def lines_of(ch: Challenge) -> list[Line]:
    out = [Line(STANDARD, "验收方式与标准", ch.acceptance)]
    out += [Line(str(i.pk), i.name, i.target) for i in ch.indicators.all()]
    return out


def panel(ch: Challenge) -> Any:
    return ch.assignments.filter(stage=AssignmentStage.ACCEPTANCE, status__in=ACTIVE_ASSIGNMENT_STATES)


def tally(ch: Challenge) -> Tally:
    experts = list(panel(ch))
    reviews = list(AcceptanceReview.objects.filter(assignment__in=experts, round=ch.acceptance_round)
                   .select_related("assignment__expert__person"))
    lines = lines_of(ch)
    for r in reviews:
        for line in lines:
            verdict = r.verdicts.get(line.key) or {}
            if verdict.get("met"):
                line.met += 1
            else:
                line.not_met += 1
            if verdict.get("comment"):
                line.comments.append(verdict["comment"])
    return Tally(len(experts), len(experts) - len(reviews), lines, reviews)


@transaction.atomic
def verdict_save(*, assignment: Assignment, actor: Any, met: dict[str, Any], comments: dict[str, str],
                 summary: str = "") -> AcceptanceReview:
    """One acceptance expert's verdict for the current round; a 未达到 line needs its reason."""
    if assignment.expert.user_id != getattr(actor, "pk", None):
        raise ApplicationError("只能填写分配给本人的验收")
    if assignment.stage != AssignmentStage.ACCEPTANCE:
        raise ApplicationError("这不是验收评审任务")
    if assignment.status not in ACTIVE_ASSIGNMENT_STATES:
        raise ApplicationError("您已回避该榜单的验收")
    ch = Challenge.objects.select_for_update().get(pk=assignment.challenge_id)
    if ch.status != ChallengeStatus.ACCEPTANCE:
        raise ApplicationError("榜单不在验收阶段")
    verdicts: dict[str, dict[str, Any]] = {}
    for line in lines_of(ch):
        raw = met.get(line.key)
        if raw not in ("yes", "no"):
            raise ApplicationError(f"请对“{line.name}”给出结论（达到或未达到）", field=f"met_{line.key}")
        comment = (comments.get(line.key) or "").strip()[:500]
        if raw == "no" and not comment:
            raise ApplicationError(f"“{line.name}”未达到，请写明理由", field=f"comment_{line.key}")
        verdicts[line.key] = {"met": raw == "yes", "comment": comment}
    with acting_as(actor):
        review, _ = AcceptanceReview.objects.update_or_create(
            assignment=assignment, round=ch.acceptance_round,
            defaults={"verdicts": verdicts, "summary": summary.strip()[:2000]})
        if assignment.status != AssignmentStatus.DONE:
            Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.DONE)
    return review
