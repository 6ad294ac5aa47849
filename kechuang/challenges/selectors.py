"""Reads of 揭榜挂帅: the scored list (for staff and the issuer), a team's own feedback, the public board, the
workspace panels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from kechuang.challenges.aggregate import (
    Aggregate,
    CriterionSpec,
    aggregate,
    criterion_means,
    expert_total,
    rank,
)
from kechuang.challenges.choices import (
    ApplicationStatus,
    AssignmentStage,
    AssignmentStatus,
    ChallengeStatus,
    MilestoneStatus,
)
from kechuang.challenges.models import Application, Assignment, Challenge, Milestone
from kechuang.core.panels import Panel

SCORED_STATES = [ApplicationStatus.ADMITTED, ApplicationStatus.SELECTED, ApplicationStatus.NOT_SELECTED]
RESULT_STATES = [ChallengeStatus.DECIDING, ChallengeStatus.PUBLICISED, ChallengeStatus.CONTRACTED,
                 ChallengeStatus.MILESTONES, ChallengeStatus.ACCEPTANCE, ChallengeStatus.RECTIFYING,
                 ChallengeStatus.CLOSED]
FEEDBACK_STATES = RESULT_STATES[1:]  # a team reads its feedback from the moment the issuer decides


@dataclass
class CriterionLine:
    name: str
    max_points: int
    weight: Any
    mean: float | None
    comments: list[str]


@dataclass
class Result:
    application: Application
    aggregate: Aggregate
    rank: int
    lines: list[CriterionLine]
    summaries: list[str]
    expert_totals: list[float]


def board() -> QuerySet[Challenge]:
    """公开榜单: published challenges still taking applications, with how many teams have applied."""
    return (Challenge.objects.filter(status=ChallengeStatus.PUBLISHED)
            .select_related("issuer", "industry_chain")
            .annotate(applicant_count=Count("applications", filter=~Q(applications__status=ApplicationStatus.WITHDRAWN)))
            .order_by("deadline", "id"))


def results(challenge: Challenge) -> list[Result]:
    """Every scored application with its trimmed mean, dispersion, per-criterion means, anonymous comments, rank."""
    criteria = list(challenge.criteria.all())
    specs = [CriterionSpec(str(c.pk), c.weight, c.max_points) for c in criteria]
    counted = [AssignmentStatus.ASSIGNED, AssignmentStatus.DONE]
    apps = list(challenge.applications.filter(status__in=SCORED_STATES).prefetch_related("reviews__assignment"))
    rows: list[Result] = []
    for app in apps:
        reviews = [r for r in app.reviews.all() if r.assignment.status in counted]
        totals = [expert_total(specs, r.scores) for r in reviews]
        means = criterion_means(specs, [r.scores for r in reviews])
        lines = [CriterionLine(c.name, c.max_points, c.weight, means.get(str(c.pk)),
                               [r.comments[str(c.pk)] for r in reviews if r.comments.get(str(c.pk))])
                 for c in criteria]
        rows.append(Result(app, aggregate(totals), 0, lines, [r.summary for r in reviews if r.summary],
                           sorted(totals)))
    ranks = rank({r.application.pk: r.aggregate.score for r in rows})
    for r in rows:
        r.rank = ranks[r.application.pk]
    return sorted(rows, key=lambda r: (r.rank, r.application.pk))


def feedback_for(app: Application) -> tuple[Result | None, int]:
    """The team's own result and how many were ranked, once the result is decided (None before)."""
    if app.challenge.status not in FEEDBACK_STATES:
        return None, 0
    rows = results(app.challenge)
    own = next((r for r in rows if r.application.pk == app.pk), None)
    return own, len(rows)


def due_milestones(user: Any, days: int = 30) -> QuerySet[Milestone]:
    """Milestones of the user's unit (as issuer or as the winning team) still to report, due within ``days`` or
    already overdue, soonest first."""
    import datetime as dt

    from kechuang.workflow import clock

    org = getattr(user, "organisation_id", None)
    if not org:
        return Milestone.objects.none()
    won = Application.objects.filter(lead_id=org, status=ApplicationStatus.SELECTED).values("challenge_id")
    return (Milestone.objects.filter(Q(challenge__issuer_id=org) | Q(challenge_id__in=won),
                                     status__in=[MilestoneStatus.ACTIVE, MilestoneStatus.MISSED],
                                     due_on__lte=clock.today() + dt.timedelta(days=days))
            .select_related("challenge").order_by("due_on", "id"))


def workspace_panels(user: Any) -> list[Panel]:
    """揭榜挂帅 on the workspace: staff's 立题审核 queue; the unit's 榜单, 揭榜报名 and due milestones; the expert's
    review and acceptance assignments. Each a ``Panel`` listing a few rows."""
    panels: list[Panel] = []
    template = "challenges/_panel.html"
    if getattr(user, "is_bureau", False):
        panels.append(Panel("待立题审核的榜单", "challenges:mine", queue=True,
                            count=Challenge.objects.filter(status=ChallengeStatus.SUBMITTED).count()))
    org = getattr(user, "organisation_id", None)
    if org:
        mine = Challenge.objects.filter(issuer_id=org).exclude(status=ChallengeStatus.MERGED)
        panels.append(Panel("本单位发布的榜单", "challenges:mine", count=mine.count(), template=template,
                            items=[(c.title, reverse("challenges:detail", args=[c.pk]), c.get_status_display())
                                   for c in mine.order_by("-updated_at")[:5]]))
        apps = Application.objects.filter(lead_id=org).select_related("challenge")
        panels.append(Panel("本单位的揭榜报名", "challenges:mine", count=apps.count(), template=template,
                            items=[(f"{a.challenge.title} · {a.team_name}",
                                    reverse("challenges:application", args=[a.pk]), a.get_status_display())
                                   for a in apps.order_by("-updated_at")[:5]]))
        due = due_milestones(user)
        if due.exists():
            panels.append(Panel("30 天内到期的里程碑", "challenges:mine", count=due.count(), template=template,
                                description="揭榜方须在计划完成日期前提交进展报告，逾期将被标记。",
                                items=[(f"{m.challenge.title} · {m.title}",
                                        reverse("challenges:detail", args=[m.challenge_id]),
                                        f"{m.get_status_display()}，计划 {m.due_on:%Y-%m-%d} 完成")
                                       for m in due[:5]]))
    if getattr(user, "is_authenticated", False):
        tasks = (Assignment.objects.filter(expert__user_id=user.pk, status=AssignmentStatus.ASSIGNED)
                 .select_related("challenge"))
        if tasks.exists():
            panels.append(Panel("待完成的评审与验收", "challenges:mine", count=tasks.count(), template=template,
                                items=[(f"{a.challenge.title}（{a.get_stage_display()}）",
                                        reverse("challenges:acceptance" if a.stage == AssignmentStage.ACCEPTANCE
                                                else "challenges:review", args=[a.challenge_id]),
                                        a.challenge.get_status_display()) for a in tasks[:5]]))
    return panels
