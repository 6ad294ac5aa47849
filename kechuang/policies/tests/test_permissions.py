"""Every page and endpoint of the policies app, with who may and who must be refused.

The outsider is a signed-in enterprise user of another organisation: it must never see this organisation's
calculator, facts or applications, and never approve, review or pay.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from kechuang.policies import services
from kechuang.policies.choices import ApplicationStatus
from kechuang.policies.models import Budget, FactRecord, FactSheet, Push
from kechuang.policies.tests.conftest import end_publicity

pytestmark = pytest.mark.django_db

REFUSED = (302, 403, 404)  # 302 only for anonymous (to the login page)


@pytest.fixture
def world(rich_org: Any, enterprise_user: Any, staff_user: Any, application: Any) -> dict[str, Any]:
    record = services.fact_record_add(organisation=rich_org, actor=enterprise_user, collection="awards",
                                      type="chuncheng_friendship_award", date=dt.date(2025, 9, 1))
    services.push_batch_start(actor=staff_user, background=False)
    push = Push.objects.get(organisation=rich_org, measure_id="kc001-06-high-tech-consecutive")
    services.push_review(push=push, approve=True, actor=staff_user)
    pending = Push.objects.filter(organisation=rich_org, status="pending").first()
    return {"org": rich_org, "app": application, "record": record, "push": push, "pending": pending}


def _login_redirect(r: Any) -> bool:
    return r.status_code == 302 and "/accounts/login/" in r.url


def test_public_pages(client: Any) -> None:
    assert client.get(reverse("policies:library")).status_code == 200
    assert client.get(reverse("policies:measure_detail", args=["kc001-03-incubator"])).status_code == 200


@pytest.mark.parametrize("name", ["application_list", "application_new", "push_list", "budget_list"])
def test_anonymous_must_sign_in(client: Any, name: str) -> None:
    assert _login_redirect(client.get(reverse(f"policies:{name}")))


def test_anonymous_calculator_explains_why_to_log_in(client: Any, outsider_client: Any, rich_org: Any) -> None:
    """Not a silent redirect: what the calculator does, why it needs the account, and a way in."""
    page = client.get(reverse("policies:calculator_home")).content.decode()
    assert "为什么需要登录" in page and "/accounts/login/?next=/policies/calculator/" in page
    assert rich_org.name not in page  # nothing of any organisation is shown
    # An outsider still cannot open another organisation's calculator.
    assert outsider_client.get(reverse("policies:calculator", args=[rich_org.pk])).status_code == 403


def test_anonymous_refused_everywhere_with_objects(client: Any, world: dict[str, Any]) -> None:
    org, app = world["org"], world["app"]
    for url in (reverse("policies:calculator", args=[org.pk]),
                reverse("policies:calculator_record_edit", args=[world["record"].pk]),
                reverse("policies:application_detail", args=[app.pk])):
        assert _login_redirect(client.get(url))
    for url in (reverse("policies:calculator_facts", args=[org.pk]),
                reverse("policies:calculator_record_add", args=[org.pk]),
                reverse("policies:calculator_record_delete", args=[world["record"].pk]),
                reverse("policies:application_transition", args=[app.pk]),
                reverse("policies:push_run"), reverse("policies:push_review", args=[world["pending"].pk]),
                reverse("policies:push_bulk_review"),
                reverse("policies:push_apply", args=[world["push"].pk])):
        assert _login_redirect(client.post(url, {"trigger": "accept", "decision": "approve"}))


@pytest.mark.parametrize("persona", ["outsider_client", "broker_client", "reviewer_client", "institution_client"])
def test_others_cannot_see_or_change_the_organisation(persona: str, request: Any, world: dict[str, Any]) -> None:
    c = request.getfixturevalue(persona)
    org, app, record, push = world["org"], world["app"], world["record"], world["push"]
    assert c.get(reverse("policies:calculator", args=[org.pk])).status_code == 403
    assert c.post(reverse("policies:calculator_facts", args=[org.pk]), {"is_state_owned": "true"}).status_code == 403
    assert c.post(reverse("policies:calculator_record_add", args=[org.pk]),
                  {"kind": "awards:chuncheng_friendship_award", "date": "2025-01-01"}).status_code == 403
    assert c.post(reverse("policies:calculator_record_delete", args=[record.pk])).status_code == 404
    assert c.get(reverse("policies:calculator_record_edit", args=[record.pk])).status_code == 404
    assert c.post(reverse("policies:calculator_record_edit", args=[record.pk]),
                  {"kind": "awards:chuncheng_friendship_award", "date": "2020-01-01"}).status_code == 404
    assert not FactSheet.objects.filter(organisation=org, is_state_owned=True).exists()
    assert FactRecord.objects.filter(organisation=org).count() == 1
    assert FactRecord.objects.get(organisation=org).date == dt.date(2025, 9, 1)
    # Applications of the organisation: not listed, not visible, not movable.
    assert org.name not in c.get(reverse("policies:application_list")).content.decode()
    assert c.get(reverse("policies:application_detail", args=[app.pk])).status_code == 404
    for trigger in ("accept", "reject", "pay"):
        assert c.post(reverse("policies:application_transition", args=[app.pk]),
                      {"trigger": trigger, "comment": "x"}).status_code == 404
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    # Staff pages and decisions.
    assert c.get(reverse("policies:push_list")).status_code == 403
    assert c.post(reverse("policies:push_run")).status_code == 403
    assert c.post(reverse("policies:push_review", args=[world["pending"].pk]), {"decision": "approve"}).status_code == 403
    assert c.post(reverse("policies:push_apply", args=[push.pk])).status_code == 404
    assert c.get(reverse("policies:budget_list")).status_code == 403
    assert c.post(reverse("policies:budget_list"), {"measure_id": "kc001-03-incubator", "year": 2026,
                                                     "amount": 1}).status_code == 403
    assert not Budget.objects.exists()


def test_members_cannot_move_their_own_application(enterprise_client: Any, world: dict[str, Any]) -> None:
    app = world["app"]
    r = enterprise_client.get(reverse("policies:application_detail", args=[app.pk]))
    assert r.status_code == 200 and "受理" in r.content.decode()
    # The applicant's only action is 撤回.
    assert 'value="withdraw"' in r.content.decode()
    assert 'value="accept"' not in r.content.decode() and 'value="reject"' not in r.content.decode()
    for trigger in ("accept", "reject"):
        enterprise_client.post(reverse("policies:application_transition", args=[app.pk]),
                               {"trigger": trigger, "comment": "x"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert enterprise_client.get(reverse("policies:push_list")).status_code == 403
    assert enterprise_client.get(reverse("policies:budget_list")).status_code == 403


def test_users_without_organisation(broker_client: Any) -> None:
    assert broker_client.get(reverse("policies:calculator_home")).status_code == 403
    assert broker_client.get(reverse("policies:application_new")).status_code == 403


def test_outsider_calculator_is_its_own(outsider_client: Any, outsider: Any) -> None:
    r = outsider_client.get(reverse("policies:calculator_home"))
    assert r.status_code == 200 and r.context["org"].pk == outsider.organisation_id


def test_staff_pages(staff_client: Any, world: dict[str, Any]) -> None:
    app = world["app"]
    for url in (reverse("policies:calculator_home"), reverse("policies:calculator", args=[world["org"].pk]),
                reverse("policies:application_list"), reverse("policies:application_detail", args=[app.pk]),
                reverse("policies:push_list"), reverse("policies:budget_list"),
                reverse("policies:measure_detail", args=["kc001-03-enterprise-tech-center"])):
        assert staff_client.get(url).status_code == 200, url
    r = staff_client.post(reverse("policies:budget_list"), {"measure_id": "kc001-03-enterprise-tech-center",
                                                             "year": 2026, "amount": 500000})
    assert r.status_code == 302 and Budget.objects.get().amount == 500_000
    staff_client.post(reverse("policies:application_transition", args=[app.pk]), {"trigger": "accept"})
    staff_client.post(reverse("policies:application_transition", args=[app.pk]),
                      {"trigger": "review", "amount_approved": "200000"})
    staff_client.post(reverse("policies:application_transition", args=[app.pk]), {"trigger": "publicise"})
    staff_client.post(reverse("policies:application_transition", args=[app.pk]), {"trigger": "pay"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PUBLICISED  # 公示期未满
    end_publicity(app)
    staff_client.post(reverse("policies:application_transition", args=[app.pk]), {"trigger": "pay"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PAID and Budget.objects.get().paid_total == 200_000


def test_member_submits_on_the_page(enterprise_client: Any, rich_org: Any) -> None:
    url = reverse("policies:application_new")
    r = enterprise_client.get(url, {"measure": "kc001-06-high-tech-consecutive"})
    assert r.status_code == 200 and 'value="50000"' in r.content.decode()
    r = enterprise_client.post(url, {"measure_id": "kc001-06-high-tech-consecutive", "amount_requested": "50000"})
    assert r.status_code == 302
    assert rich_org.policy_applications.get().amount_requested == 50_000
    r = enterprise_client.post(url, {"measure_id": "kc001-06-high-tech-consecutive", "amount_requested": "50000"})
    assert r.status_code == 200 and "请勿重复申报" in r.content.decode()
    r = enterprise_client.post(url, {"measure_id": "kc001-06-unicorn", "amount_requested": "6000000"})
    assert r.status_code == 200 and "该措施的上限最多可申请500万元" in r.content.decode()


# --- API ---------------------------------------------------------------------------------------------------


def test_api_measures_public(client: Any) -> None:
    r = client.get(reverse("policy-measure-list"))
    assert r.status_code == 200 and r.json()["count"] >= 30
    item = r.json()["results"][0]
    assert {"id", "policy", "clause", "clause_text", "amount"} <= set(item)
    assert client.get(reverse("policy-measure-detail", args=["kc001-03-incubator"])).json()["amount"]["tiers"] == {
        "national": 500000, "provincial": 200000}
    assert client.get("/api/policies/nope/").status_code == 404


def test_api_applications_scoped(client: Any, enterprise_client: Any, outsider_client: Any, staff_client: Any,
                                 broker_client: Any, world: dict[str, Any]) -> None:
    app = world["app"]
    assert client.get("/api/applications/").status_code in (401, 403)
    assert enterprise_client.get("/api/applications/").json()["count"] == 1
    assert staff_client.get("/api/applications/").json()["count"] == 1
    assert outsider_client.get("/api/applications/").json()["count"] == 0
    assert outsider_client.get(reverse("policy-application-detail", args=[app.pk])).status_code == 404
    assert enterprise_client.get(reverse("policy-application-detail", args=[app.pk])).status_code == 200
    assert outsider_client.patch(f"/api/applications/{app.pk}/", {"status": "paid"},
                                 content_type="application/json").status_code in (403, 404, 405)
    assert broker_client.post("/api/applications/", {"measure_id": "kc001-06-unicorn",
                                                     "amount_requested": 1}).status_code == 403
    r = enterprise_client.post("/api/applications/", {"measure_id": "kc001-06-high-tech-consecutive",
                                                      "amount_requested": 50000}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    assert r.json()["organisation"] == world["org"].pk
    r = enterprise_client.post("/api/applications/", {"measure_id": "kc001-06-high-tech-consecutive",
                                                      "amount_requested": 999999}, content_type="application/json")
    assert r.status_code == 400


def test_api_evaluate_own_organisation(client: Any, enterprise_client: Any, outsider_client: Any,
                                       staff_client: Any, broker_client: Any, world: dict[str, Any]) -> None:
    org = world["org"]
    assert client.get(reverse("policy-evaluate-list")).status_code in (401, 403)
    r = enterprise_client.get(reverse("policy-evaluate-list"))
    assert r.status_code == 200
    body = r.json()
    assert body["organisation"] == org.pk and body["profile"]["kind"] == "enterprise"
    res = {x["measure_id"]: x for x in body["results"]}
    assert res["kc001-03-enterprise-tech-center"]["amount_max"] == 200_000
    assert res["kc001-03-enterprise-tech-center"]["clause"] == "（三）"
    assert body["what_if"]
    assert outsider_client.get("/api/evaluate/", {"organisation": org.pk}).status_code == 403
    assert outsider_client.get("/api/evaluate/").json()["organisation"] != org.pk
    assert broker_client.get("/api/evaluate/").status_code == 403
    assert staff_client.get("/api/evaluate/", {"organisation": org.pk}).status_code == 200


def test_access_matrix_names_every_policies_url() -> None:
    """Every URL of this app has an access decision in kechuang/policies/access.py."""
    from kechuang.policies import urls as policy_urls
    from kechuang.policies.access import ACCESS_MATRIX

    names: set[str] = {f"policies:{p.name}" for p in policy_urls.urlpatterns}
    from config.api_urls import router

    route_names = [(str(getattr(u, "name", "") or ""), str(u.pattern)) for u in router.urls]
    names |= {n for n, pattern in route_names if n.startswith("policy-") and "format" not in pattern}
    assert names == set(ACCESS_MATRIX)


def test_api_transition_bureau_only(enterprise_client: Any, outsider_client: Any, staff_client: Any,
                                    world: dict[str, Any], staff_user: Any) -> None:
    app = world["app"]
    url = reverse("policy-application-transition", args=[app.pk])
    assert outsider_client.post(url, {"trigger": "accept"}, content_type="application/json").status_code == 404
    assert enterprise_client.post(url, {"trigger": "accept"}, content_type="application/json").status_code == 403
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    r = staff_client.post(url, {"trigger": "accept"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    r = staff_client.post(url, {"trigger": "review"}, content_type="application/json")
    assert r.status_code == 400 and "核定金额" in str(r.json())
    r = staff_client.post(url, {"trigger": "review", "amount_approved": 150000}, content_type="application/json")
    assert r.json()["amount_approved"] == 150_000
    staff_client.post(url, {"trigger": "publicise"}, content_type="application/json")
    r = staff_client.post(url, {"trigger": "pay"}, content_type="application/json")
    assert r.status_code == 400 and "公示期未满" in str(r.json())
    end_publicity(app)
    r = staff_client.post(url, {"trigger": "pay"}, content_type="application/json")
    assert r.status_code == 400 and "尚未设立预算" in str(r.json())
