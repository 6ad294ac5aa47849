"""The funnel's figures against a count made here from the rows themselves, through every kind of write. On
PostgreSQL the first two steps come from trigger-kept monthly tables and the deals' months from width_bucket, so
this is the test of those; on SQLite the same figures come from plain GROUP BYs."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

import pytest
from django.utils import timezone

from kechuang.accounts.choices import Role
from kechuang.deals import funnel
from kechuang.deals.models import Deal
from kechuang.market.choices import Status
from kechuang.market.models import MatchFeedback
from kechuang.market.tests.factories import AchievementFactory, DemandFactory
from kechuang.tests_support.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def _expected(by: str, year: int | None) -> dict:
    rows: dict = defaultdict(Counter)

    def key(kind: str, obj) -> object:
        local = timezone.localtime(obj.created_at, TZ)
        if by == "overall":
            return None
        if by == "month":
            return local.month
        if by == "broker":
            return (obj.author if kind == "fb" else obj.broker).username
        if by == "industry":
            return obj.demand.industry if obj.demand else None
        return obj.demand.region_code if kind == "fb" else obj.enterprise.region_code

    for f in MatchFeedback.objects.filter(demand__isnull=False).select_related("demand", "author"):
        if year and timezone.localtime(f.created_at, TZ).year != year:
            continue
        rows[key("fb", f)]["recommended"] += 1
        rows[key("fb", f)]["contacted"] += f.verdict in ("contacted", "useful")
    for d in Deal.objects.select_related("demand", "broker", "enterprise"):
        if year and timezone.localtime(d.created_at, TZ).year != year:
            continue
        rows[key("deal", d)]["deals"] += 1
        rows[key("deal", d)]["signed"] += d.signed_at is not None
        rows[key("deal", d)]["registered"] += d.stage == "registered"
    return {k: {s: c[s] for s, _ in funnel.STEPS} for k, c in rows.items()}


def _check() -> None:
    for year in (None, 2025):
        for by in funnel.BY:
            got = {r["key"]: {s: r[s] for s, _ in funnel.STEPS} for r in funnel.funnel(by, year)
                   if any(r[s] for s, _ in funnel.STEPS)}
            assert got == _expected(by, year), (by, year)


def test_funnel_counts_follow_every_write():
    rng = random.Random(14)
    brokers = [UserFactory(username=f"b{i}", role=Role.BROKER) for i in range(3)]
    orgs = [OrganisationFactory(kind="enterprise", region_code=code) for code in ("530102", "530111", "530112")]
    owner = OrganisationFactory(kind="university")
    demands = [DemandFactory(organisation=rng.choice(orgs), industry=ind, region_code=rng.choice(["530102", "530114"]),
                             status=Status.PUBLISHED) for ind in ("biomedicine", "green_energy", "equipment", "")]
    achievements = [AchievementFactory(owner=owner, status=Status.PUBLISHED) for _ in range(3)]
    # Times near month ends in local time (UTC+8): 2025-01-31 20:00 local is still January there, February's
    # first hours are January in UTC.
    instants = [dt.datetime(2025, 1, 31, 20, tzinfo=TZ), dt.datetime(2025, 2, 1, 3, tzinfo=TZ),
                dt.datetime(2025, 12, 31, 23, 30, tzinfo=TZ), dt.datetime(2026, 1, 1, 0, 30, tzinfo=TZ),
                dt.datetime(2026, 6, 15, 12, tzinfo=TZ)]
    MatchFeedback.objects.bulk_create([
        MatchFeedback(demand=rng.choice(demands), target_kind="achievement", target_id=str(rng.randint(1, 9)),
                      verdict=rng.choice(["contacted", "useful", "not_useful"]), rank=rng.randint(1, 10),
                      author=rng.choice(brokers), created_at=rng.choice(instants))
        for _ in range(60)])
    MatchFeedback.objects.create(achievement=achievements[0], target_kind="enterprise", target_id="1",
                                 verdict="useful", author=brokers[0])  # achievement side: not in the funnel
    for i in range(12):
        demand = rng.choice(demands)
        deal = Deal.objects.create(title=f"商洽{i}", demand=demand, enterprise=demand.organisation,
                                   institute=owner, achievement=rng.choice(achievements), broker=rng.choice(brokers),
                                   stage=rng.choice(["intent", "signed", "registered", "terminated"]))
        Deal.objects.filter(pk=deal.pk).update(created_at=rng.choice(instants),
                                               signed_at=timezone.now() if deal.stage in ("signed", "registered")
                                               else None)
    _check()
    # A verdict changed, a broker's verdicts re-dated, some deleted, a demand re-classified: the figures follow.
    first = MatchFeedback.objects.filter(demand__isnull=False).order_by("pk").first()
    MatchFeedback.objects.filter(pk=first.pk).update(verdict="not_useful" if first.verdict != "not_useful"
                                                     else "useful")
    MatchFeedback.objects.filter(author=brokers[1]).update(created_at=instants[-1])
    MatchFeedback.objects.filter(pk__in=list(MatchFeedback.objects.values_list("pk", flat=True)[:7])).delete()
    type(demands[0]).objects.filter(pk=demands[0].pk).update(industry="new_materials")
    demands[3].delete()  # cascades to its feedback and nulls its deals' demand
    _check()


def test_the_pages_mrr_in_sql_equals_the_engines_measure_of_the_exported_labels():
    rng = random.Random(7)
    brokers = [UserFactory(username=f"m{i}", role=Role.BROKER) for i in range(2)]
    org = OrganisationFactory(kind="enterprise")
    owner = OrganisationFactory(kind="university")
    demands = [DemandFactory(organisation=org, status=Status.PUBLISHED) for _ in range(6)]
    achievements = [AchievementFactory(owner=owner, status=Status.PUBLISHED) for _ in range(5)]
    # Repeated verdicts on the same pair at different ranks, 无用 then 有用, unranked deals, ranks beyond 10.
    MatchFeedback.objects.bulk_create([
        MatchFeedback(demand=rng.choice(demands), target_kind="achievement", target_id=str(rng.choice(achievements).pk),
                      verdict=rng.choice(["contacted", "useful", "not_useful", "not_useful"]),
                      rank=rng.choice([None, 1, 2, 3, 5, 9, 10, 11, 14]), author=rng.choice(brokers))
        for _ in range(80)])
    for i in range(10):
        Deal.objects.create(title=f"商洽{i}", demand=rng.choice(demands), enterprise=org, institute=owner,
                            achievement=rng.choice(achievements), match_rank=rng.choice([None, 1, 4, 12]),
                            stage="intent")
    mrr, n = funnel.mrr_at_10(funnel.labelled_pairs())
    sql_mrr, sql_n = funnel.mrr_at_10_sql()
    assert sql_n == n and 0 < n <= len(demands)
    assert sql_mrr == pytest.approx(mrr, abs=1e-9)
