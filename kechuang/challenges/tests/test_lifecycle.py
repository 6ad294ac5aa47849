from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kechuang.challenges import aggregate as agg
from kechuang.challenges import selectors, services
from kechuang.challenges.models import Challenge, Release
from kechuang.challenges.tests.conftest import review_all
from kechuang.core.exceptions import ApplicationError
from kechuang.workflow import clock, deadlines
from kechuang.workflow.models import StateChange

pytestmark = pytest.mark.django_db


def test_conflicted_expert_is_excluded_automatically(world: dict[str, Any]) -> None:
    review_all(world, {"a": 9, "b": 6})
    panel = {a.expert.person.name: a for a in world["ch"].assignments.all()}
    assert panel["丙专家"].status == "excluded"
    assert "同一单位" in panel["丙专家"].excluded_reason
    assert panel["甲专家"].status == "done"


def test_comment_required_below_threshold(world: dict[str, Any]) -> None:
    ch, staff = world["ch"], world["users"]["staff"]
    services.move(ch, "close_entries", actor=staff)
    for app in world["apps"].values():
        services.move(app, "admit", actor=staff)
    services.assign_experts(challenge=ch, experts=world["experts"][:1], actor=staff)
    services.move(ch, "start_review", actor=staff)
    a = ch.assignments.get()
    with pytest.raises(ApplicationError, match="请写明评语"):
        services.review_save(assignment=a, application=world["apps"]["a"], actor=a.expert.user,
                             scores={c.pk: 3 for c in ch.criteria.all()}, comments={})
    with pytest.raises(ApplicationError, match="0 到 10"):
        services.review_save(assignment=a, application=world["apps"]["a"], actor=a.expert.user,
                             scores={c.pk: 11 for c in ch.criteria.all()}, comments={})


def test_issuer_picks_and_losing_team_gets_feedback(world: dict[str, Any]) -> None:
    review_all(world, {"a": 9, "b": 6})
    ch, a, b = world["ch"], world["apps"]["a"], world["apps"]["b"]
    rows = selectors.results(ch)
    assert [r.application.pk for r in rows] == [a.pk, b.pk]
    assert rows[0].aggregate.score == 90.0
    with pytest.raises(ApplicationError):
        services.move(a, "select", actor=world["users"]["a"])  # only the issuer picks
    services.move(a, "select", actor=world["users"]["issuer"])
    ch.refresh_from_db()
    b.refresh_from_db()
    assert ch.status == "publicised" and b.status == "not_selected"
    fb, ranked = selectors.feedback_for(b)
    assert fb is not None and fb.rank == 2 and ranked == 2
    assert fb.lines[0].mean == 6.0 and "b需改进" in fb.lines[0].comments
    assert StateChange.objects.filter(trigger="decide").count() == 1


def test_milestone_release_locks_ledger_and_never_overdraws(world: dict[str, Any], monkeypatch: Any) -> None:
    review_all(world, {"a": 9, "b": 6})
    ch, staff = world["ch"], world["users"]["staff"]
    services.move(world["apps"]["a"], "select", actor=world["users"]["issuer"])
    ch.refresh_from_db()
    with pytest.raises(ApplicationError, match="公示期未满"):
        services.move(ch, "contract", actor=staff)
    monkeypatch.setattr(clock, "today", lambda: ch.publicity_ends_on + dt.timedelta(days=1))
    services.move(ch, "contract", actor=staff)
    services.move(ch, "start", actor=staff)
    m1, m2 = list(ch.milestones.all())
    assert m1.status == "active"
    with pytest.raises(ApplicationError):
        services.move(m1, "report", actor=world["users"]["b"], data={"report": "x"})  # the loser cannot report
    services.move(m1, "report", actor=world["users"]["a"], data={"report": "样机完成"})
    services.move(m1, "approve", actor=staff, data={"comment": "通过"})
    ch.refresh_from_db()
    assert ch.released_total == Decimal("400000.00")
    assert Release.objects.get(milestone=m1).amount == Decimal("400000.00")
    # The ledger refuses an overdraft even if the challenge's support was cut meanwhile.
    Challenge.objects.filter(pk=ch.pk).update(fiscal_support=Decimal("500000"), total_investment=Decimal("500000"))
    m2.refresh_from_db()
    services.move(m2, "report", actor=world["users"]["a"], data={"report": "完成"})
    with pytest.raises(ApplicationError, match="额度不足"):
        services.move(m2, "approve", actor=staff)


def test_missed_milestone_is_flagged_by_the_sweep(world: dict[str, Any], monkeypatch: Any) -> None:
    review_all(world, {"a": 9, "b": 6})
    ch, staff = world["ch"], world["users"]["staff"]
    services.move(world["apps"]["a"], "select", actor=world["users"]["issuer"])
    ch.refresh_from_db()
    monkeypatch.setattr(clock, "today", lambda: ch.publicity_ends_on + dt.timedelta(days=1))
    services.move(ch, "contract", actor=staff)
    services.move(ch, "start", actor=staff)
    m1 = ch.milestones.first()
    deadlines.sweep(dt.datetime.combine(m1.due_on + dt.timedelta(days=2), dt.time.min, tzinfo=dt.UTC))
    m1.refresh_from_db()
    assert m1.status == "missed"


def test_team_cannot_apply_to_own_challenge_or_twice(world: dict[str, Any]) -> None:
    ch = world["ch"]
    with pytest.raises(ApplicationError, match="不能揭自己的榜"):
        services.application_submit(challenge=ch, actor=world["users"]["issuer"], team_name="x", plan="y",
                                    originality=True, answers={i.pk: "z" for i in ch.indicators.all()},
                                    members=[("a", "b", None)])
    with pytest.raises(ApplicationError, match="重复报名"):
        services.application_submit(challenge=ch, actor=world["users"]["a"], team_name="x", plan="y",
                                    originality=True, answers={i.pk: "z" for i in ch.indicators.all()},
                                    members=[("a", "b", None)])


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=12))
def test_aggregate_is_within_range_and_trims_from_five(totals: list[float]) -> None:
    result = agg.aggregate(totals)
    assert result.score is not None
    assert min(totals) - 0.006 <= result.score <= max(totals) + 0.006
    assert result.dropped == (2 if len(totals) >= 5 else 0)
    assert result.counted == len(totals) - result.dropped


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=5, max_size=12), st.floats(0, 1e6))
def test_one_outlier_cannot_move_the_trimmed_mean_past_the_others(totals: list[float], outlier: float) -> None:
    base = agg.aggregate(totals)
    moved = agg.aggregate([*totals[:-1], outlier])
    rest = sorted(totals[:-1])
    assert rest[0] - 0.006 <= moved.score <= rest[-1] + 0.006  # type: ignore[operator]
    assert base.score is not None


@given(st.dictionaries(st.integers(1, 50), st.one_of(st.none(), st.floats(0, 100)), min_size=1))
def test_rank_orders_by_score(scores: dict[int, float | None]) -> None:
    ranks = agg.rank(scores)
    for a, sa in scores.items():
        for b, sb in scores.items():
            if (sa if sa is not None else -1) > (sb if sb is not None else -1):
                assert ranks[a] < ranks[b]
