"""Directory records -> the engine's profile dict, and the facts an organisation adds itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.core.exceptions import ApplicationError
from kechuang.core.models import AuditLog
from kechuang.policies import services
from kechuang.policies.profiles import build_profile
from kechuang.policies.tests.conftest import AS_OF
from kechuang.rules import Profile, evaluate

pytestmark = pytest.mark.django_db


def test_directory_records_become_recognitions(rich_org: Any) -> None:
    data = build_profile(rich_org, as_of=AS_OF)
    p = data.profile
    assert p["kind"] == "enterprise"
    assert p["id"] == str(rich_org.pk)
    recs = sorted((r["type"], r.get("level"), r["date"]) for r in p["recognitions"])
    assert recs == [
        ("enterprise_tech_center", "provincial", "2025-06-01"),
        ("high_tech_enterprise", "national", "2019-11-20"),
        ("high_tech_enterprise", "national", "2022-11-18"),
    ]
    # 科技型中小企业 valid on the evaluation date is the scalar fact, not a record.
    assert p["is_tech_sme"] is True
    # R&D expense 2025 - 2024 from the yearly figures.
    assert p["innovation_spending_increase"] == 1_200_000
    # 专精特新 is not used by any encoded measure: reported, not dropped silently.
    assert any("专精特新" in u for u in data.unused)
    # Collections with no record and no confirmation stay unknown (the engine then says 待定).
    assert "projects" not in p and "awards" not in p
    Profile.from_dict(p)  # the engine accepts it


def test_expired_tech_sme_is_not_a_yes(rich_org: Any) -> None:
    p = build_profile(rich_org, as_of=dt.date(2027, 3, 1)).profile
    assert "is_tech_sme" not in p


def test_kind_mapping_and_override(university_org: Any, institution_user: Any) -> None:
    assert build_profile(university_org).profile["kind"] == "university"
    services.factsheet_update(organisation=university_org, data={"kind": "public_institution"},
                              actor=institution_user)
    assert build_profile(university_org).profile["kind"] == "public_institution"


def test_same_recognition_as_qualification_and_platform_counted_once(rich_org: Any) -> None:
    from kechuang.directory.models import Qualification

    Qualification.objects.create(organisation=rich_org, kind="enterprise_tech_center", level="provincial",
                                 recognised_on=dt.date(2025, 6, 1))
    recs = build_profile(rich_org, as_of=AS_OF).profile["recognitions"]
    assert sum(1 for r in recs if r["type"] == "enterprise_tech_center") == 1


def test_own_facts_and_records_are_used_and_audited(rich_org: Any, enterprise_user: Any) -> None:
    services.factsheet_update(organisation=rich_org, actor=enterprise_user,
                              data={"is_state_owned": False, "complete_collections": ["awards", "grants"]})
    rec = services.fact_record_add(organisation=rich_org, actor=enterprise_user, collection="projects",
                                   type="ai_application_demo", date=dt.date(2026, 3, 1),
                                   values={"investment": 3_000_000, "annual_pay": 1})
    p = build_profile(rich_org, as_of=AS_OF).profile
    assert p["projects"] == [{"type": "ai_application_demo", "date": "2026-03-01", "investment": 3_000_000}]
    assert p["awards"] == [] and p["grants"] == []  # confirmed complete: "has none"
    assert p["is_state_owned"] is False
    r = evaluate(Profile.from_dict(p), AS_OF).result("kc001-02-ai-application-demo")
    assert r.status == "eligible" and r.amount_max == 600_000  # 20% of 300万
    assert AuditLog.objects.filter(object_type="policies.FactRecord", object_id=str(rec.pk),
                                   action="create").exists()
    assert AuditLog.objects.filter(object_type="policies.FactSheet").exists()


def test_bad_record_is_refused_with_the_field(rich_org: Any, enterprise_user: Any) -> None:
    with pytest.raises(ApplicationError) as e:
        services.fact_record_add(organisation=rich_org, actor=enterprise_user, collection="hires",
                                 type="foreign_principal_officer", date=dt.date(2026, 1, 1),
                                 values={"months_in_kunming": 13})
    assert e.value.field == "months_in_kunming"
    with pytest.raises(ApplicationError):
        services.fact_record_add(organisation=rich_org, actor=enterprise_user, collection="projects",
                                 type="no_such_type", date=dt.date(2026, 1, 1))


def test_outsider_cannot_edit_facts(rich_org: Any, outsider: Any) -> None:
    with pytest.raises(ApplicationError):
        services.factsheet_update(organisation=rich_org, data={"is_state_owned": True}, actor=outsider)
    with pytest.raises(ApplicationError):
        services.fact_record_add(organisation=rich_org, actor=outsider, collection="awards",
                                 type="chuncheng_friendship_award", date=dt.date(2026, 1, 1))
