"""Issue 10 item 2: the application's amount comes from THIS organisation's evaluation.

A 市级企业技术中心 first recognised in the period gets 10万元 under （三）; the form used to pre-fill the measure's top
tier (50万元) and accept it without a word."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from kechuang.core.exceptions import ApplicationError
from kechuang.directory.models import Platform
from kechuang.policies import services
from kechuang.policies.models import Application

MEASURE = "kc001-03-enterprise-tech-center"
URL = f"/policies/applications/new/?measure={MEASURE}"


@pytest.fixture
def municipal_centre(enterprise_org: Any) -> Any:
    Platform.objects.create(organisation=enterprise_org, name="滇中精密市级企业技术中心", kind="enterprise_tech_center",
                            level="municipal", recognised_on=dt.date(2025, 6, 1))
    return enterprise_org


def test_form_is_prefilled_from_the_organisations_own_evaluation(municipal_centre: Any,
                                                                 enterprise_client: Client) -> None:
    page = enterprise_client.get(URL).content.decode()
    assert 'name="amount_requested" value="100000"' in page
    assert 'value="500000"' not in page
    assert "符合条件，可申请10万元" in page


def test_an_over_claim_is_refused_naming_the_field(municipal_centre: Any, enterprise_client: Client) -> None:
    r = enterprise_client.post(URL, {"measure_id": MEASURE, "amount_requested": 500_000, "description": ""})
    page = r.content.decode()
    assert r.status_code == 200
    assert "申请金额（元）：按本单位的评估结果最多可申请10万元，填写的50万元超出上限" in page
    assert not Application.objects.exists()
    r = enterprise_client.post(URL, {"measure_id": MEASURE, "amount_requested": 100_000, "description": ""})
    assert r.status_code == 302
    assert Application.objects.get().amount_requested == 100_000


def test_without_a_confirmed_evaluation_the_basis_must_be_stated(enterprise_org: Any,
                                                                 enterprise_user: Any) -> None:
    """No recognition on record: the engine cannot confirm, so the measure's ceiling applies and 申报说明 is
    required (the bureau checks the stated basis at 受理)."""
    with pytest.raises(ApplicationError) as e:
        services.application_submit(organisation=enterprise_org, measure_id=MEASURE, amount_requested=100_000,
                                    actor=enterprise_user)
    assert e.value.field == "description"
    with pytest.raises(ApplicationError) as e:
        services.application_submit(organisation=enterprise_org, measure_id=MEASURE, amount_requested=600_000,
                                    actor=enterprise_user, description="2026年新认定国家级企业技术中心，证书附后")
    assert e.value.field == "amount_requested" and "50万元" in e.value.message
    app = services.application_submit(organisation=enterprise_org, measure_id=MEASURE, amount_requested=500_000,
                                      actor=enterprise_user, description="2026年新认定国家级企业技术中心，证书附后")
    assert app.evaluation["status"] != "eligible"
