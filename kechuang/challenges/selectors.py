"""Reads of 揭榜挂帅: the scored list (for staff and the issuer), a team's own feedback, the public board."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from kechuang.challenges.aggregate import (
    Aggregate,
    CriterionSpec,
    aggregate,
    criterion_means,
    expert_total,
    rank,
)
from kechuang.challenges.choices import ApplicationStatus, AssignmentStatus, ChallengeStatus
from kechuang.challenges.models import Application, Challenge

SCORED_STATES = [ApplicationStatus.ADMITTED, ApplicationStatus.SELECTED, ApplicationStatus.NOT_SELECTED]
RESULT_STATES = [ChallengeStatus.DECIDING, ChallengeStatus.PUBLICISED, ChallengeStatus.CONTRACTED,
                 ChallengeStatus.MILESTONES, ChallengeStatus.ACCEPTANCE, ChallengeStatus.CLOSED]
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
