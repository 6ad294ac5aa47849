"""Scoring from platform data (零填报), stored results per model version, flags, consents and loans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core.exceptions import ApplicationError
from kechuang.scores import facts, selectors, services
from kechuang.scores.models import ScoreResult

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_facts_come_from_the_platform_with_their_sources(scored: Any, enterprise_org: Any) -> None:
    p = facts.gather(enterprise_org, AS_OF)
    assert p.facts["revenue"] == 1500 and p.sources["revenue"] == "创新资源库·年度数据 2025年营业收入"
    assert p.facts["rd_intensity"] == pytest.approx(8.0)
    assert p.facts["rd_growth"] == pytest.approx(20.0, abs=0.1)
    assert p.facts["tech_staff_ratio"] == pytest.approx(100 * 10 / 60, abs=0.01)
    assert p.facts["provincial_platforms"] == 1 and "滇科省级工程技术研究中心" in p.sources["provincial_platforms"]
    # no registered contract yet: 0 with the source saying so, never a silent missing value
    assert p.facts["tech_contract_amount"] == 0 and p.sources["tech_contract_amount"] == facts.NO_CONTRACTS
    assert "hitech_revenue" not in p.facts  # the platform does not hold it: the engine names it missing


def test_every_enterprise_is_scored_and_each_point_explained(scored: Any, enterprise_org: Any) -> None:
    r = ScoreResult.objects.get(run=scored, organisation=enterprise_org)
    assert scored.enterprise_count == ScoreResult.objects.filter(run=scored).count() == 6  # + the outsider's org
    rows = {x["id"]: x for x in r.result["indicators"]}
    assert rows["revenue"]["source"].startswith("创新资源库") and rows["revenue"]["points"] > 0
    assert "hitech_revenue" in r.result["missing_facts"] and rows["hitech_revenue"]["missing"]
    assert r.result["cohort"]["stage"]["size"] >= 1 and r.tier in "ABCD"
    assert float(r.total) == pytest.approx(sum(c["points"] for c in r.result["categories"]))


def test_a_new_model_version_never_changes_stored_results(scored: Any, staff_user: Any,
                                                          enterprise_org: Any) -> None:
    old = ScoreResult.objects.get(run=scored, organisation=enterprise_org)
    before = (old.total, old.result, old.model_version_id)
    base = services.active_model_version()
    mv = services.model_version_create(base=base, version="2026.1", effective_from=dt.date(2026, 7, 1),
                                       weights={"growth": {"revenue": 2, "rd_expense": 14}},
                                       note="提高研发费用权重", actor=staff_user)
    assert mv.is_active and not type(mv).objects.get(pk=base.pk).is_active
    run2 = services.score_all(actor=staff_user, as_of=AS_OF)
    old.refresh_from_db()
    assert (old.total, old.result, old.model_version_id) == before
    new = ScoreResult.objects.get(run=run2, organisation=enterprise_org)
    assert new.result["model"]["version"] == "2026.1"
    assert new.total != old.total  # growth-stage weights moved from revenue to R&D spending


def test_weights_that_do_not_sum_are_refused_naming_the_stage(staff_user: Any, db: Any) -> None:
    base = services.active_model_version()
    with pytest.raises(ApplicationError) as e:
        services.model_version_create(base=base, version="x", effective_from=AS_OF,
                                      weights={"startup": {"revenue": 50}}, note="", actor=staff_user)
    assert "初创期权重合计" in e.value.message and "应为总分 100" in e.value.message


def test_flag_a_fact_and_staff_resolve(scored: Any, enterprise_org: Any, enterprise_user: Any,
                                       staff_user: Any) -> None:
    r = ScoreResult.objects.get(run=scored, organisation=enterprise_org)
    f = services.fact_flag_raise(result=r, fact="revenue", comment="2025年营业收入应为1,600万元", actor=enterprise_user)
    assert f.fact_label == "营业收入"
    with pytest.raises(ApplicationError):
        services.fact_flag_raise(result=r, fact="revenue", comment="再次", actor=enterprise_user)
    with pytest.raises(ApplicationError):
        services.fact_flag_resolve(flag=f, trigger="correct", resolution="已改", actor=enterprise_user)
    services.fact_flag_resolve(flag=f, trigger="correct", resolution="已按审计报告改正年度数据", actor=staff_user)
    f.refresh_from_db()
    assert f.status == "corrected" and f.resolution.startswith("已按")


def test_consent_loans_and_what_a_bank_sees(scored: Any, enterprise_org: Any, enterprise_user: Any,
                                            bank_a: Any, bank_b: Any) -> None:
    bank_user = bank_a.members.get()
    other = bank_b.members.get()
    assert not selectors.consenting_results(bank_user, bank_a).exists()
    c = services.consent_grant(organisation=enterprise_org, institution=bank_a, actor=enterprise_user)
    assert [r.organisation_id for r in selectors.consenting_results(bank_user, bank_a)] == [enterprise_org.pk]
    assert not selectors.consenting_results(other, bank_b).exists()
    assert not ScoreResult.objects.restrict(other, "view").exists()
    with pytest.raises(ApplicationError):  # bank B cannot record against a firm that did not consent to it
        services.loan_record(institution=bank_b, organisation=enterprise_org, kind="disbursement",
                             amount=Decimal(100), date=AS_OF, product="积分贷", actor=other)
    loan = services.loan_record(institution=bank_a, organisation=enterprise_org, kind="disbursement",
                                amount=Decimal("300.50"), date=AS_OF, product="科创积分贷", actor=bank_user)
    assert loan.result.organisation_id == enterprise_org.pk and loan.amount == Decimal("300.50")
    services.consent_revoke(consent=c, actor=enterprise_user)
    c.refresh_from_db()
    assert c.status == "revoked" and c.revoked_on is not None
    assert not selectors.consenting_results(bank_user, bank_a).exists()
    assert not ScoreResult.objects.restrict(bank_user, "view").exists()


def test_lending_summary_and_tier_fact(scored: Any, enterprise_org: Any, enterprise_user: Any, bank_a: Any,
                                       staff_user: Any) -> None:
    bank_user = bank_a.members.get()
    services.consent_grant(organisation=enterprise_org, institution=bank_a, actor=enterprise_user)
    for amount, day in ((100, dt.date(2026, 5, 3)), (250, dt.date(2026, 6, 9))):
        services.loan_record(institution=bank_a, organisation=enterprise_org, kind="disbursement",
                             amount=Decimal(amount), date=day, product="科创积分贷", actor=bank_user)
    data = selectors.lending(staff_user)
    assert data["by_bank"][0]["total"] == Decimal(350) and len(data["by_month"]) == 2
    tier = selectors.score_tier_fact(enterprise_org)
    assert tier == ScoreResult.objects.get(run=scored, organisation=enterprise_org).tier
    assert data["by_tier"][0]["result__tier_label"] == f"{tier}档"


def test_the_tier_is_a_fact_the_policy_engine_reads(scored: Any, enterprise_org: Any) -> None:
    from kechuang.policies.profiles import build_profile
    from kechuang.rules import Profile

    tier = ScoreResult.objects.get(run=scored, organisation=enterprise_org).tier
    data = build_profile(enterprise_org, as_of=AS_OF)
    assert data.profile["score_tier"] == tier
    assert Profile.from_dict(data.profile).facts["score_tier"] == tier


def test_registered_contracts_feed_the_contract_amount_fact(scored: Any, enterprise_org: Any) -> None:
    """技术合同成交额 comes from registered contracts (seller or buyer, trailing twelve months), in 万元."""
    from kechuang.contracts.choices import Status
    from kechuang.contracts.tests.factories import ContractFactory

    ContractFactory(seller_organisation=enterprise_org, contract_amount=Decimal("1250000.00"),
                    transaction_amount=Decimal("1000000.00"), registered_on=AS_OF - dt.timedelta(days=30))
    ContractFactory(buyer_organisation=enterprise_org, contract_amount=Decimal("250000.00"),
                    registered_on=AS_OF - dt.timedelta(days=200))
    ContractFactory(seller_organisation=enterprise_org, contract_amount=Decimal("9000000.00"),
                    registered_on=AS_OF - dt.timedelta(days=400))  # outside the window
    ContractFactory(seller_organisation=enterprise_org, contract_amount=Decimal("7000000.00"),
                    registered_on=AS_OF - dt.timedelta(days=10), status=Status.CANCELLED)  # not counted
    p = facts.gather(enterprise_org, AS_OF)
    assert p.facts["tech_contract_amount"] == pytest.approx(150.0)
    assert "已登记 2 项" in p.sources["tech_contract_amount"]
