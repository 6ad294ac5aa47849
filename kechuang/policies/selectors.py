"""Reads of the policy platform. Each takes the user and goes through ``restrict`` or ``is_member_or_bureau``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from kechuang.policies import rules
from kechuang.policies.models import Application, Budget, Push
from kechuang.policies.profiles import ProfileData, build_profile
from kechuang.policies.services import today
from kechuang.rules import Evaluation, Hint, MeasureResult, Profile, ProfileError, evaluate, what_if

STATUS_LABELS = {"eligible": "符合", "undetermined": "待定", "ineligible": "不符合"}


@dataclass
class Calculation:
    data: ProfileData
    as_of: dt.date
    evaluation: Evaluation | None = None
    hints: list[Hint] = field(default_factory=list)
    error: str = ""

    def by_status(self, status: str) -> list[MeasureResult]:
        if self.evaluation is None:
            return []
        return [r for r in self.evaluation.results if r.status == status]

    @property
    def eligible(self) -> list[MeasureResult]:
        return self.by_status("eligible")

    @property
    def undetermined(self) -> list[MeasureResult]:
        return self.by_status("undetermined")

    @property
    def ineligible(self) -> list[MeasureResult]:
        return self.by_status("ineligible")

    @property
    def total(self) -> tuple[int, int]:
        return self.evaluation.grant_total() if self.evaluation is not None else (0, 0)


def calculate(org: Any, *, as_of: dt.date | None = None, hints: bool = True) -> Calculation:
    """Evaluate every encoded measure for the organisation; callers have checked ``is_member_or_bureau``."""
    day = as_of or today()
    data = build_profile(org, as_of=day)
    calc = Calculation(data=data, as_of=day)
    try:
        profile = Profile.from_dict(data.profile)
    except ProfileError as exc:
        # A stored fact the engine refuses (e.g. the rule vocabulary changed): show which one, do not guess.
        calc.error = f"事实数据有误，无法计算：{exc}"
        return calc
    calc.evaluation = evaluate(profile, day)
    if hints:
        calc.hints = what_if(profile, day)[:8]
    return calc


def applications_for(user: Any) -> QuerySet[Application]:
    return Application.objects.restrict(user, "view").select_related("organisation")  # type: ignore[attr-defined]


def pushes_for(user: Any) -> QuerySet[Push]:
    return Push.objects.restrict(user, "view").select_related("organisation")  # type: ignore[attr-defined]


def budgets_with_measures(year: int | None = None) -> list[dict[str, Any]]:
    """One row per measure for the year: its budget (or none), paid and remaining, for the staff page."""
    year = year or today().year
    budgets = {b.measure_id: b for b in Budget.objects.filter(year=year)}
    rows = []
    for m in rules.measures():
        if m.benefit != "grant":
            continue
        b = budgets.get(m.id)
        rows.append({"measure": m, "budget": b, "year": year})
    return rows


def applications_by_measure(org: Any) -> dict[str, Application]:
    """The organisation's latest application per measure (any state), for marking the calculator's results.
    Callers have checked ``is_member_or_bureau``."""
    out: dict[str, Application] = {}
    for app in Application.objects.filter(organisation=org).order_by("measure_id", "-year", "-pk"):
        out.setdefault(app.measure_id, app)
    return out
