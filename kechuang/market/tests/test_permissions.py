"""Who may see and do what, page by page and endpoint by endpoint. The outsider (signed in, another
organisation) and the anonymous visitor must be refused everything that is not public."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.market.choices import Status
from kechuang.market.models import Demand, MatchFeedback
from kechuang.market.tests.factories import AchievementFactory, DemandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(enterprise_org, university_org):
    return {
        "draft": DemandFactory(organisation=enterprise_org, status=Status.DRAFT),
        "submitted": DemandFactory(organisation=enterprise_org, status=Status.SUBMITTED),
        "published": DemandFactory(organisation=enterprise_org, status=Status.PUBLISHED),
        "a_draft": AchievementFactory(owner=university_org, status=Status.DRAFT),
        "a_published": AchievementFactory(owner=university_org, status=Status.PUBLISHED),
    }


# --- public pages -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["market:achievement_list", "market:demand_list", "market:search"])
def test_public_lists_open_to_anyone(client, records, name):
    assert client.get(reverse(name)).status_code == 200


def test_lists_show_only_published(client, outsider_client, enterprise_client, records):
    for c in (client, outsider_client, enterprise_client):
        html = c.get(reverse("market:demand_list")).content.decode()
        assert records["published"].title in html
        assert records["draft"].title not in html and records["submitted"].title not in html


def test_published_details_open_to_anyone(client, records):
    assert client.get(records["published"].get_absolute_url()).status_code == 200
    assert client.get(records["a_published"].get_absolute_url()).status_code == 200


@pytest.mark.parametrize("key", ["draft", "submitted", "a_draft"])
def test_unpublished_details_hidden_from_anonymous_outsider_and_broker(client, outsider_client, broker_client,
                                                                       records, key):
    url = records[key].get_absolute_url()
    for c in (client, outsider_client, broker_client):
        assert c.get(url).status_code == 404


def test_owner_and_staff_see_their_unpublished_records(enterprise_client, institution_client, staff_client, records):
    assert enterprise_client.get(records["draft"].get_absolute_url()).status_code == 200
    assert institution_client.get(records["a_draft"].get_absolute_url()).status_code == 200
    assert staff_client.get(records["submitted"].get_absolute_url()).status_code == 200


# --- workspace pages ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["market:demand_create", "market:achievement_create", "market:my_demands",
                                  "market:my_achievements", "market:review_queue"])
def test_workspace_pages_send_anonymous_to_login(client, name):
    r = client.get(reverse(name))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


@pytest.mark.parametrize("name", ["market:demand_create", "market:my_demands"])
def test_users_without_an_organisation_cannot_create(broker_client, name):
    assert broker_client.get(reverse(name)).status_code == 403


def test_edit_only_own_drafts(enterprise_client, outsider_client, client, staff_client, records):
    url = reverse("market:demand_edit", args=[records["draft"].pk])
    assert enterprise_client.get(url).status_code == 200
    assert outsider_client.get(url).status_code == 404
    assert client.get(url).status_code == 302
    r = outsider_client.post(url, {"title": "篡改", "description": "篡改", "cooperation_mode": "transfer"})
    assert r.status_code == 404
    # Submitted and published records are frozen even for the owner.
    for key in ("submitted", "published"):
        assert enterprise_client.get(reverse("market:demand_edit", args=[records[key].pk])).status_code == 404
    a_url = reverse("market:achievement_edit", args=[records["a_draft"].pk])
    assert outsider_client.get(a_url).status_code == 404
    records["draft"].refresh_from_db()
    assert records["draft"].title != "篡改"


def test_owner_edits_a_draft_through_the_page(enterprise_client, records):
    d = records["draft"]
    r = enterprise_client.post(reverse("market:demand_edit", args=[d.pk]), {
        "title": "改后的名称", "description": "改后的描述", "keywords": "视觉、检测", "cooperation_mode": "co_develop",
        "budget_yuan": "12.5", "region_code": "530111"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.title == "改后的名称" and d.budget_yuan == 125_000 and d.keywords == ["视觉", "检测"]


def test_review_queue_is_for_staff_only(outsider_client, broker_client, enterprise_client, staff_client, records):
    url = reverse("market:review_queue")
    for c in (outsider_client, broker_client, enterprise_client):
        assert c.get(url).status_code == 403
    r = staff_client.get(url)
    assert r.status_code == 200 and records["submitted"].title in r.content.decode()


# --- transitions through the page ---------------------------------------------------------------------------

def _do(c, obj, trigger, **data):
    entity = "demand" if isinstance(obj, Demand) else "achievement"
    return c.post(reverse("market:transition", args=[entity, obj.pk, trigger]), data)


def test_outsider_cannot_submit_publish_or_close_anothers_records(outsider_client, client, records):
    assert _do(outsider_client, records["draft"], "submit").status_code == 404
    assert _do(outsider_client, records["submitted"], "publish").status_code == 404
    _do(outsider_client, records["published"], "close")  # visible, but the workflow refuses the actor
    assert _do(client, records["draft"], "submit").status_code == 302  # to the login page
    for key, status in (("draft", Status.DRAFT), ("submitted", Status.SUBMITTED), ("published", Status.PUBLISHED)):
        records[key].refresh_from_db()
        assert records[key].status == status


def test_owner_cannot_publish_own_record(enterprise_client, records):
    _do(enterprise_client, records["submitted"], "publish")
    records["submitted"].refresh_from_db()
    assert records["submitted"].status == Status.SUBMITTED


def test_unknown_entity_is_404(staff_client, records):
    assert staff_client.post(f"/market/nothing/{records['draft'].pk}/do/submit/").status_code == 404


def test_staff_publishes_and_rejects_through_the_page(staff_client, records, enterprise_org):
    other = DemandFactory(organisation=enterprise_org, status=Status.SUBMITTED)
    _do(staff_client, records["submitted"], "publish")
    _do(staff_client, other, "reject")  # no reason: refused
    other.refresh_from_db()
    assert other.status == Status.SUBMITTED
    _do(staff_client, other, "reject", reason="材料不全")
    records["submitted"].refresh_from_db()
    other.refresh_from_db()
    assert records["submitted"].status == Status.PUBLISHED
    assert other.status == Status.DRAFT and other.review_comment == "材料不全"


# --- match feedback -----------------------------------------------------------------------------------------

def _feedback(c, source, **extra):
    data = {"source": "demand", "source_id": source.pk, "target_kind": "achievement", "target_id": "1",
            "verdict": "useful", "rank": "1", "score": "0.5", **extra}
    return c.post(reverse("market:feedback"), data, HTTP_HX_REQUEST="true")


def test_feedback_only_from_brokers_and_staff(client, outsider_client, enterprise_client, broker_client, staff_client,
                                              records):
    assert _feedback(client, records["published"]).status_code == 302
    assert _feedback(outsider_client, records["published"]).status_code == 403
    assert _feedback(enterprise_client, records["published"]).status_code == 403
    assert MatchFeedback.objects.count() == 0
    r = _feedback(broker_client, records["published"])
    assert r.status_code == 200 and "有用" in r.content.decode()
    assert _feedback(staff_client, records["published"], verdict="contacted").status_code == 200
    fb = MatchFeedback.objects.order_by("created_at").first()
    assert fb.author.username == "broker" and fb.demand == records["published"] and fb.rank == 1


def test_broker_cannot_give_feedback_on_an_unpublished_demand_or_with_bad_values(broker_client, records):
    assert _feedback(broker_client, records["draft"]).status_code == 404
    assert _feedback(broker_client, records["published"], verdict="great").status_code == 400
    assert _feedback(broker_client, records["published"], target_kind="galaxy").status_code == 400
    assert MatchFeedback.objects.count() == 0


@pytest.mark.parametrize("entity", ["achievement", "demand"])
def test_exports_contain_only_what_the_list_shows(client, records, entity):
    r = client.get(reverse("market:export", args=[entity]) + "?format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    body = r.content.decode("utf-8-sig")
    published = records["published"] if entity == "demand" else records["a_published"]
    draft = records["draft"] if entity == "demand" else records["a_draft"]
    assert published.title in body and draft.title not in body
    assert client.get(reverse("market:export", args=[entity]) + "?format=pdf").status_code == 404
    assert client.get(reverse("market:export", args=["nothing"])).status_code == 404


@pytest.mark.parametrize("name,key", [("market:demand_detail", "draft"), ("market:achievement_detail", "a_draft"),
                                      ("market:demand_edit", "draft"), ("market:achievement_edit", "a_draft")])
def test_object_pages_by_name_refuse_the_outsider(outsider_client, client, staff_client, records, name, key):
    url = reverse(name, args=[records[key].pk])
    assert outsider_client.get(url).status_code == 404
    assert client.get(url).status_code in (302, 404)
    assert staff_client.get(url).status_code == 200


def test_organisation_page_lists_published_records_and_drafts_only_for_members(client, outsider_client,
                                                                               enterprise_client, records,
                                                                               enterprise_org):
    url = reverse("directory:organisation_detail", args=[enterprise_org.pk])
    for c in (client, outsider_client):
        html = c.get(url).content.decode()
        assert records["published"].title in html and records["draft"].title not in html
    html = enterprise_client.get(url).content.decode()
    assert records["draft"].title in html
