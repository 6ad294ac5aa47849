"""Reads of the scores app, each through `restrict(user, action)` or the user's own institution."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth

from kechuang.scores.choices import ConsentStatus, LoanKind
from kechuang.scores.models import Consent, FinancialInstitution, Loan, ScoreResult, ScoreRun


def latest_run() -> ScoreRun | None:
    return ScoreRun.objects.select_related("model_version").order_by("-id").first()


def latest_result(user: Any, organisation_id: int) -> ScoreResult | None:
    return (ScoreResult.objects.restrict(user, "view").filter(organisation_id=organisation_id)
            .select_related("run", "model_version", "organisation").order_by("-run_id").first())


def history(user: Any, organisation_id: int) -> QuerySet[ScoreResult]:
    return (ScoreResult.objects.restrict(user, "view").filter(organisation_id=organisation_id)
            .select_related("run", "model_version").order_by("-run_id"))


def institution_of(user: Any) -> FinancialInstitution | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return FinancialInstitution.objects.filter(members=user).first()


def consenting_results(user: Any, institution: FinancialInstitution) -> QuerySet[ScoreResult]:
    """The latest result of each enterprise that consents to `institution` now (and only those)."""
    orgs = Consent.objects.filter(institution=institution, status=ConsentStatus.ACTIVE).values("organisation_id")
    latest = (ScoreResult.objects.filter(organisation_id=OuterRef("organisation_id"))
              .order_by("-run_id").values("pk")[:1])
    return (ScoreResult.objects.restrict(user, "view").filter(organisation_id__in=orgs, pk=Subquery(latest))
            .select_related("organisation", "model_version").order_by("-total"))


def latest_results(run: ScoreRun | None) -> QuerySet[ScoreResult]:
    if run is None:
        return ScoreResult.objects.none()
    return run.results.select_related("organisation").order_by("-total", "organisation__name")


def distribution(run: ScoreRun | None) -> dict[str, Any]:
    """Counts per stage × tier and a 10-point histogram of totals, for the bureau's charts."""
    if run is None:
        return {"tiers": [], "bins": []}
    by: defaultdict[tuple[str, str], int] = defaultdict(int)
    for stage, tier, n in run.results.values_list("stage_label", "tier").annotate(n=Count("id")).values_list(
            "stage_label", "tier", "n"):
        by[(stage, tier)] += n
    bins = [0] * 10
    for total in run.results.values_list("total", flat=True):
        bins[min(9, int(total // 10))] += 1
    peak = max(bins) or 1
    return {
        "tiers": sorted(by.items()),
        "bins": [{"label": f"{i * 10}–{i * 10 + 10}分", "count": c, "width": round(100 * c / peak)}
                 for i, c in enumerate(bins)],
    }


def score_tier_fact(organisation: Any) -> str | None:
    """The enterprise's latest tier (A/B/C/D), the fact `score_tier` the policy engine can read; None if unscored."""
    r = ScoreResult.objects.filter(organisation=organisation).order_by("-run_id").values_list("tier", flat=True)
    return r.first()


def lending(user: Any) -> dict[str, Any]:
    """Lending by bank, by tier (of the score the loan was based on) and by month — bureau only."""
    qs = Loan.objects.restrict(user, "view").exclude(kind=LoanKind.CREDIT)
    credit = Loan.objects.restrict(user, "view").filter(kind=LoanKind.CREDIT)

    def rows(q: QuerySet[Loan], key: str) -> list[dict[str, Any]]:
        return list(q.values(key).annotate(total=Sum("amount"), n=Count("id"), orgs=Count("organisation",
                                                                                         distinct=True)).order_by(key))

    return {
        "by_bank": rows(qs, "institution__name"),
        "by_tier": rows(qs, "result__tier_label"),
        "by_month": [{"month": r["m"], "total": r["total"], "n": r["n"]} for r in
                     qs.annotate(m=TruncMonth("date")).values("m").annotate(total=Sum("amount"), n=Count("id"))
                     .order_by("m")],
        "credit_by_bank": rows(credit, "institution__name"),
        "total": qs.aggregate(s=Sum("amount"))["s"] or Decimal(0),
        "last": qs.aggregate(d=Max("date"))["d"],
    }
