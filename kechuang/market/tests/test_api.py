"""The REST API: shape, visibility, writes with the same permissions as the pages."""

from __future__ import annotations

import pytest

from kechuang.market.choices import Status
from kechuang.market.tests.factories import AchievementFactory, DemandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(enterprise_org, university_org):
    return {
        "draft": DemandFactory(organisation=enterprise_org, status=Status.DRAFT),
        "published": DemandFactory(organisation=enterprise_org, status=Status.PUBLISHED),
        "a_draft": AchievementFactory(owner=university_org, status=Status.DRAFT),
        "a_published": AchievementFactory(owner=university_org, status=Status.PUBLISHED),
    }


@pytest.mark.parametrize("url", ["/api/achievements/", "/api/demands/"])
def test_lists_are_paginated_and_show_only_published_to_anonymous(client, records, url):
    body = client.get(url).json()
    assert set(body) >= {"count", "results"}
    assert body["count"] == 1 and all(r["status"] == "published" for r in body["results"])
    assert client.get(url + "?status=draft").json()["count"] == 0


def test_owner_lists_own_drafts_with_mine(enterprise_client, outsider_client, records):
    mine = enterprise_client.get("/api/demands/?mine=1").json()
    assert {r["id"] for r in mine["results"]} == {records["draft"].pk, records["published"].pk}
    theirs = outsider_client.get("/api/demands/?mine=1").json()
    assert theirs["count"] == 0


@pytest.mark.parametrize("key,url", [("draft", "/api/demands/{}/"), ("a_draft", "/api/achievements/{}/"),
                                     ("draft", "/api/demands/{}/matches/")])
def test_drafts_are_not_visible_to_outsiders_or_anonymous(client, outsider_client, broker_client, enterprise_client,
                                                           institution_client, records, key, url):
    u = url.format(records[key].pk)
    for c in (client, outsider_client, broker_client):
        assert c.get(u).status_code == 404
    owner = enterprise_client if key == "draft" else institution_client
    assert owner.get(u).status_code == 200


def test_create_requires_sign_in_and_an_organisation(client, broker_client, enterprise_client):
    data = {"title": "接口创建的需求", "description": "通过接口提交", "keywords": ["接口"], "cooperation_mode": "service"}
    assert client.post("/api/demands/", data, content_type="application/json").status_code in (401, 403)
    r = broker_client.post("/api/demands/", data, content_type="application/json")
    assert r.status_code == 400 and "机构" in r.content.decode()
    r = enterprise_client.post("/api/demands/", data, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "draft" and r.json()["keywords"] == ["接口"]


def test_create_rejects_a_bad_region_in_chinese(enterprise_client):
    r = enterprise_client.post("/api/demands/", {"title": "x", "description": "y", "region_code": "123"},
                               content_type="application/json")
    assert r.status_code == 400 and "行政区划" in r.content.decode()


def test_update_only_own_drafts(enterprise_client, outsider_client, records):
    url = f"/api/demands/{records['draft'].pk}/"
    assert outsider_client.patch(url, {"title": "篡改"}, content_type="application/json").status_code == 404
    r = enterprise_client.patch(url, {"title": "接口修改"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["title"] == "接口修改"
    pub = f"/api/demands/{records['published'].pk}/"
    assert enterprise_client.patch(pub, {"title": "发布后不可改"}, content_type="application/json").status_code == 404
    # Status is read-only: it changes only through the workflow.
    enterprise_client.patch(url, {"status": "published"}, content_type="application/json")
    records["draft"].refresh_from_db()
    assert records["draft"].status == Status.DRAFT


def test_delete_is_not_offered(enterprise_client, staff_client, records):
    assert staff_client.delete(f"/api/demands/{records['draft'].pk}/").status_code == 405


def test_transitions_through_the_api(enterprise_client, outsider_client, staff_client, records):
    url = f"/api/demands/{records['draft'].pk}/transition/"
    assert outsider_client.post(url, {"trigger": "submit"}, content_type="application/json").status_code == 404
    assert enterprise_client.post(url, {"trigger": "submit"}, content_type="application/json").status_code == 200
    r = enterprise_client.post(url, {"trigger": "publish"}, content_type="application/json")
    assert r.status_code == 400 and "权限" in r.content.decode()
    r = staff_client.post(url, {"trigger": "publish"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "published"


def test_schema_lists_the_market(client):
    r = client.get("/api/schema/")
    assert r.status_code == 200 and b"/api/demands/{id}/matches/" in r.content


@pytest.mark.parametrize("name,key,method", [
    ("demand-detail", "draft", "get"), ("demand-matches", "draft", "get"), ("demand-transition", "draft", "post"),
    ("achievement-detail", "a_draft", "get"), ("achievement-matches", "a_draft", "get"),
    ("achievement-transition", "a_draft", "post"),
])
def test_object_endpoints_by_name_refuse_the_outsider(outsider_client, client, records, name, key, method):
    from django.urls import reverse

    url = reverse(name, args=[records[key].pk])
    data = {"trigger": "submit"} if method == "post" else None
    assert getattr(outsider_client, method)(url, data, content_type="application/json").status_code == 404
    assert getattr(client, method)(url, data, content_type="application/json").status_code in (401, 403, 404)
    records[key].refresh_from_db()
    assert records[key].status == Status.DRAFT


# --- /api/match-feedback/: brokers' and staff's verdicts on matches, the same rule as the page buttons ---------

FEEDBACK = "/api/match-feedback/"  # URL names match-feedback-list and match-feedback-detail, both tested here


def _verdict(c, source_id, source="demand", **extra):
    data = {source: source_id, "target_kind": "achievement", "target_id": "17", "verdict": "useful", "rank": 2,
            "score": 0.61, **extra}
    return c.post(FEEDBACK, data, content_type="application/json")


def test_match_feedback_refuses_anonymous_outsider_and_enterprise(client, outsider_client, enterprise_client,
                                                                  broker, records):
    from kechuang.market.models import MatchFeedback

    theirs = MatchFeedback.objects.create(demand=records["published"], target_kind="achievement", target_id="1",
                                          verdict="useful", author=broker)
    for c in (client, outsider_client, enterprise_client):
        assert _verdict(c, records["published"].pk).status_code in (401, 403)
        assert c.get(FEEDBACK).status_code in (401, 403)
        assert c.get(f"{FEEDBACK}{theirs.pk}/").status_code in (401, 403)
    assert outsider_client.get(FEEDBACK).status_code == 403  # signed in, but not a broker
    assert MatchFeedback.objects.count() == 1


def test_broker_records_feedback_and_lists_only_its_own(broker_client, broker, staff_client, records):
    from kechuang.core.models import AuditLog
    from kechuang.market.models import MatchFeedback
    from kechuang.tests_support.factories import UserFactory

    r = _verdict(broker_client, records["published"].pk)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["demand"] == records["published"].pk and body["verdict_display"] == "有用"
    assert body["author"] == "broker" and body["rank"] == 2
    fb = MatchFeedback.objects.get(pk=body["id"])
    assert AuditLog.objects.filter(object_type="market.MatchFeedback", object_id=str(fb.pk), action="create",
                                   actor=broker).exists()
    r = _verdict(broker_client, records["a_published"].pk, source="achievement", target_kind="enterprise",
                 verdict="contacted")
    assert r.status_code == 201 and r.json()["achievement"] == records["a_published"].pk

    other = UserFactory(username="broker2", role="broker")
    MatchFeedback.objects.create(demand=records["published"], target_kind="achievement", target_id="9",
                                 verdict="not_useful", author=other)
    mine = broker_client.get(FEEDBACK).json()
    assert set(mine) >= {"count", "results"} and mine["count"] == 2
    assert {row["author"] for row in mine["results"]} == {"broker"}
    hidden = MatchFeedback.objects.get(author=other)
    assert broker_client.get(f"{FEEDBACK}{hidden.pk}/").status_code == 404
    assert broker_client.get(f"{FEEDBACK}?verdict=contacted").json()["count"] == 1
    assert broker_client.get(f"{FEEDBACK}?demand={records['published'].pk}").json()["count"] == 1
    # bureau staff see every verdict
    assert staff_client.get(FEEDBACK).json()["count"] == 3
    assert staff_client.get(f"{FEEDBACK}{hidden.pk}/").status_code == 200


def test_match_feedback_is_append_only(broker_client, records):
    fb_id = _verdict(broker_client, records["published"].pk).json()["id"]
    assert broker_client.patch(f"{FEEDBACK}{fb_id}/", {"verdict": "not_useful"},
                               content_type="application/json").status_code == 405
    assert broker_client.delete(f"{FEEDBACK}{fb_id}/").status_code == 405


def test_match_feedback_bad_input_is_explained_in_chinese(broker_client, records):
    from kechuang.market.models import MatchFeedback

    r = _verdict(broker_client, records["published"].pk, verdict="great")
    assert r.status_code == 400 and "反馈取值无效" in r.content.decode()
    r = _verdict(broker_client, records["published"].pk, target_kind="galaxy")
    assert r.status_code == 400 and "匹配对象类型无效" in r.content.decode()
    r = broker_client.post(FEEDBACK, {"target_kind": "achievement", "target_id": "1", "verdict": "useful"},
                           content_type="application/json")
    assert r.status_code == 400 and "技术需求" in r.content.decode()
    # a draft the broker may not see is the same as one that does not exist
    r = _verdict(broker_client, records["draft"].pk)
    assert r.status_code == 400 and "无权访问" in r.json()["demand"][0]
    assert MatchFeedback.objects.count() == 0


def test_match_feedback_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/match-feedback/" in schema and "MatchFeedback" in schema
