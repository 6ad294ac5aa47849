"""Who sees what: the enterprise's score page, the bank pages (a bank never sees an enterprise that did not
consent to it), the bureau pages, the API; an outsider is refused everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kechuang.scores import services
from kechuang.scores.models import Consent, FactFlag, ScoreResult

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def consented(scored: Any, enterprise_org: Any, enterprise_user: Any, bank_a: Any, bank_b: Any) -> Consent:
    return services.consent_grant(organisation=enterprise_org, institution=bank_a, actor=enterprise_user)


def test_enterprise_score_page(scored: Any, enterprise_org: Any, enterprise_client: Any, staff_client: Any,
                               outsider_client: Any, client: Any) -> None:
    url = reverse("scores:enterprise", args=[enterprise_org.pk])
    page = enterprise_client.get(url).content.decode()
    assert "创新资源库·年度数据 2025年营业收入" in page and "如何提高积分" in page
    assert staff_client.get(url).status_code == 200
    assert outsider_client.get(url).status_code == 403
    assert client.get(url).status_code == 302
    assert enterprise_client.get(reverse("scores:home")).status_code == 200


def test_bank_sees_only_consenting_enterprises(consented: Any, enterprise_org: Any, outsider: Any,
                                               outsider_client: Any) -> None:
    a, b = client_for("bank"), client_for("bank2")
    assert enterprise_org.name in a.get(reverse("scores:bank_list")).content.decode()
    assert enterprise_org.name not in b.get(reverse("scores:bank_list")).content.decode()
    detail = reverse("scores:bank_enterprise", args=[enterprise_org.pk])
    assert a.get(detail).status_code == 200
    assert b.get(detail).status_code == 404
    other = reverse("scores:bank_enterprise", args=[outsider.organisation_id])  # scored, never consented
    assert a.get(other).status_code == 404
    # the enterprise page itself is for its members and the bureau, not for banks
    assert a.get(reverse("scores:enterprise", args=[enterprise_org.pk])).status_code == 403
    for name in ("scores:bank_list", "scores:bank_export"):
        assert outsider_client.get(reverse(name)).status_code == 403
    assert outsider_client.get(detail).status_code == 403
    export = a.get(reverse("scores:bank_export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in ws[1]][:3] == ["企业名称", "统一社会信用代码", "总分"]
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == [enterprise_org.name]


def test_bank_records_a_loan_through_the_page(consented: Any, enterprise_org: Any) -> None:
    a = client_for("bank")
    url = reverse("scores:bank_enterprise", args=[enterprise_org.pk])
    r = a.post(url, {"kind": "disbursement", "product": "科创积分贷", "amount": "-5", "date": "2026-06-30"})
    assert r.status_code == 200 and "金额（万元）" in r.content.decode()
    r = a.post(url, {"kind": "disbursement", "product": "科创积分贷", "amount": "300", "date": "2026-06-30"})
    assert r.status_code == 302
    assert enterprise_org.score_loans.get().amount == 300
    assert client_for("bank2").post(url, {"kind": "credit", "product": "x", "amount": "1",
                                          "date": "2026-06-30"}).status_code == 404


def test_consent_and_flag_actions(scored: Any, enterprise_org: Any, enterprise_client: Any, bank_a: Any,
                                  outsider_client: Any, staff_client: Any) -> None:
    grant = reverse("scores:consent_new", args=[enterprise_org.pk])
    assert outsider_client.post(grant, {"institution": bank_a.pk}).status_code == 403
    enterprise_client.post(grant, {"institution": bank_a.pk})
    consent = Consent.objects.get(organisation=enterprise_org)
    revoke = reverse("scores:consent_revoke", args=[consent.pk])
    assert outsider_client.post(revoke).status_code == 404
    enterprise_client.post(revoke)
    consent.refresh_from_db()
    assert consent.status == "revoked"
    flag = reverse("scores:flag_new", args=[enterprise_org.pk])
    assert outsider_client.post(flag, {"fact": "revenue", "comment": "x"}).status_code == 404
    enterprise_client.post(flag, {"fact": "revenue", "comment": "营业收入应为1,600万元"})
    f = FactFlag.objects.get(organisation=enterprise_org)
    resolve = reverse("scores:flag_resolve", args=[f.pk])
    assert outsider_client.post(resolve, {"trigger": "reject", "resolution": "x"}).status_code == 403
    assert enterprise_client.post(resolve, {"trigger": "reject", "resolution": "x"}).status_code == 403
    staff_client.post(resolve, {"trigger": "reject", "resolution": "与审计报告一致"})
    f.refresh_from_db()
    assert f.status == "rejected"


def test_bureau_pages_render(scored: Any, staff_client: Any) -> None:
    for name in ("scores:ranking", "scores:flag_list", "scores:model_list", "scores:model_new",
                 "scores:lending"):
        assert staff_client.get(reverse(name)).status_code == 200, name
    page = staff_client.get(reverse("scores:ranking")).content.decode()
    assert "总分分布" in page and "各阶段档次分布" in page


def test_api_restricts_results(consented: Any, enterprise_org: Any, enterprise_client: Any,
                               outsider_client: Any, staff_client: Any) -> None:
    own = enterprise_client.get("/api/scores/").json()
    assert {r["organisation"] for r in own["results"]} == {enterprise_org.pk}
    assert own["results"][0]["result"]["indicators"][0]["why"]
    pk = ScoreResult.objects.get(organisation=enterprise_org).pk
    assert outsider_client.get(f"/api/scores/{pk}/").status_code == 404
    assert client_for("bank").get(f"/api/scores/{pk}/").status_code == 200
    assert client_for("bank2").get(f"/api/scores/{pk}/").status_code == 404
    assert client_for("bank2").get("/api/scores/").json()["count"] == 0
    assert staff_client.get("/api/scores/").json()["count"] == 6
    lines = outsider_client.get("/api/score-model/").json()
    assert lines[0]["type"] == "model" and len(lines) == 19


def test_staff_save_a_new_model_version_through_the_page(scored: Any, staff_client: Any,
                                                         outsider_client: Any) -> None:
    from kechuang.scores.models import ScoreModelVersion

    url = reverse("scores:model_new")
    form = staff_client.get(url).context["form"]
    data = {name: form.fields[name].initial for name, _s, _i in form.weight_fields}
    data.update({"version": "2026.1", "effective_from": "2026-07-01", "note": "提高研发费用权重"})
    data["w__startup__revenue"] = 10  # 3 → 10: the start-up weights now sum to 107
    page = staff_client.post(url, data).content.decode()
    assert "初创期权重合计" in page and "应为总分 100" in page
    data["w__startup__rd_expense"] = 3  # 10 → 3: back to 100
    assert staff_client.post(url, data).status_code == 302
    v = ScoreModelVersion.objects.get(version="2026.1")
    assert v.is_active and v.definition["weights"]["startup"]["revenue"] == 10
    assert outsider_client.post(url, data).status_code == 403
    assert ScoreModelVersion.objects.count() == 2
