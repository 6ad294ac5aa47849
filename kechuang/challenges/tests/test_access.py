"""Who sees what: an outsider is refused everywhere that is not public; a team never sees another team's plan;
a reviewer never sees an unassigned (or conflicted) application; the API says the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kechuang.challenges.tests.conftest import make_challenge, review_all

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_outsider_is_refused_on_every_object_url(world: dict[str, Any], outsider_client: Client) -> None:
    review_all(world, {"a": 9, "b": 6})
    ch, app = world["ch"], world["apps"]["a"]
    m = ch.milestones.first()
    q = ch.questions.create(asked_by=world["users"]["a"], question="可否延期？")
    rv = app.reviews.first()
    assert outsider_client.get(reverse("challenges:detail", args=[ch.pk])).status_code == 200  # published: public
    assert outsider_client.get(reverse("challenges:application", args=[app.pk])).status_code == 404
    assert outsider_client.get(reverse("challenges:review", args=[ch.pk])).status_code == 404
    for name, args in (("challenges:transition", [ch.pk]), ("challenges:application_transition", [app.pk]),
                       ("challenges:milestone_transition", [m.pk]), ("challenges:question_answer", [q.pk]),
                       ("challenges:review_save", [ch.pk, app.pk])):
        before = ch.status
        assert outsider_client.post(reverse(name, args=args), {"trigger": "terminate", "comment": "x",
                                                               "answer": "x"}).status_code in (302, 403, 404)
        ch.refresh_from_db()
        assert ch.status == before
    q.refresh_from_db()
    assert q.answer == ""
    assert outsider_client.post(reverse("challenges:assign", args=[ch.pk])).status_code == 403
    assert outsider_client.get(f"/api/challenge-applications/{app.pk}/").status_code == 404
    assert outsider_client.get(f"/api/challenge-reviews/{rv.pk}/").status_code == 404
    assert outsider_client.get(f"/api/challenge-milestones/{m.pk}/").status_code == 404
    assert outsider_client.get(f"/api/challenges/{ch.pk}/").status_code == 200


def test_draft_is_seen_by_issuer_and_staff_only(world: dict[str, Any], outsider_client: Client,
                                                staff_client: Client) -> None:
    draft = make_challenge(world["users"]["issuer"], title="草稿榜单")
    assert outsider_client.get(reverse("challenges:detail", args=[draft.pk])).status_code == 404
    assert outsider_client.get(f"/api/challenges/{draft.pk}/").status_code == 404
    assert _client(world["users"]["issuer"]).get(reverse("challenges:detail", args=[draft.pk])).status_code == 200
    assert staff_client.get(reverse("challenges:detail", args=[draft.pk])).status_code == 200
    assert "草稿榜单" not in outsider_client.get(reverse("challenges:board")).content.decode()


def test_new_challenge_needs_an_organisation(client: Client, reviewer_client: Client,
                                            outsider_client: Client) -> None:
    assert client.get(reverse("challenges:new")).status_code == 302
    assert reviewer_client.get(reverse("challenges:new")).status_code == 403
    assert outsider_client.get(reverse("challenges:new")).status_code == 200  # any organisation may issue


def test_a_team_never_sees_another_teams_plan(world: dict[str, Any]) -> None:
    a_client = _client(world["users"]["a"])
    other = world["apps"]["b"]
    assert a_client.get(reverse("challenges:application", args=[other.pk])).status_code == 404
    own = a_client.get(reverse("challenges:application", args=[world["apps"]["a"].pk]))
    assert "a 的保密技术方案" in own.content.decode()
    listing = a_client.get("/api/challenge-applications/").json()
    assert [r["id"] for r in listing["results"]] == [world["apps"]["a"].pk]
    assert a_client.get(f"/api/challenge-applications/{other.pk}/").status_code == 404
    # the apply page of a published challenge is open to other organisations; the issuer's own cannot apply
    assert a_client.get(reverse("challenges:apply", args=[world["ch"].pk])).status_code == 200


def test_reviewer_sees_only_assigned_and_not_conflicted(world: dict[str, Any]) -> None:
    review_all(world, {"a": 9, "b": 6})
    ok, conflicted = world["experts"][0].user, world["experts"][2].user
    app = world["apps"]["a"]
    assert _client(ok).get(reverse("challenges:application", args=[app.pk])).status_code == 200
    assert _client(conflicted).get(reverse("challenges:application", args=[app.pk])).status_code == 404
    page = _client(conflicted).get(reverse("challenges:review", args=[world["ch"].pk])).content.decode()
    assert "回避" in page and "a 的保密技术方案" not in page
    assert _client(conflicted).get("/api/challenge-reviews/").json()["count"] == 0
    # an expert of another challenge's panel sees nothing of this one
    other = make_challenge(world["users"]["issuer"], title="另一榜单")
    assert _client(ok).get(reverse("challenges:review", args=[other.pk])).status_code == 404
    own = _client(ok).get("/api/challenge-reviews/").json()
    assert own["count"] == 2


def test_question_thread_is_public_and_only_issuer_answers(world: dict[str, Any], outsider_client: Client,
                                                          client: Client) -> None:
    ch = world["ch"]
    outsider_client.post(reverse("challenges:question_new", args=[ch.pk]), {"question": "数据可否提供？"})
    q = ch.questions.get()
    assert outsider_client.post(reverse("challenges:question_answer", args=[q.pk]), {"answer": "可"}).status_code \
        == 404
    _client(world["users"]["issuer"]).post(reverse("challenges:question_answer", args=[q.pk]),
                                           {"answer": "提供脱敏数据"})
    page = client.get(reverse("challenges:detail", args=[ch.pk])).content.decode()
    assert "数据可否提供？" in page and "提供脱敏数据" in page
    assert "<td>2 个</td>" in client.get(reverse("challenges:board")).content.decode()  # applicant count


def test_issuer_reaches_each_application_once_whatever_the_panel_size(world: dict[str, Any]) -> None:
    review_all(world, {"a": 9, "b": 6})  # two experts on the panel: a join would list each application twice
    issuer = _client(world["users"]["issuer"])
    app = world["apps"]["a"]
    assert issuer.get(reverse("challenges:application", args=[app.pk])).status_code == 200
    assert issuer.post(reverse("challenges:application_transition", args=[app.pk]),
                       {"trigger": "select"}).status_code == 302
    app.refresh_from_db()
    assert app.status == "selected"


def test_staff_invite_a_proposed_party_and_its_members_are_told(world: dict[str, Any], outsider_client: Client,
                                                                 staff_client: Client,
                                                                 django_capture_on_commit_callbacks: Any) -> None:
    from kechuang.workflow.models import Notification

    ch, target = world["ch"], world["orgs"]["a"]
    url = reverse("challenges:invite", args=[ch.pk])
    assert outsider_client.post(url, {"kind": "enterprise", "pk": str(target.pk)}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"kind": "enterprise", "pk": str(target.pk)})
    assert ch.invitations.get().organisation == target
    assert Notification.objects.filter(recipient=world["users"]["a"], message__contains="邀请贵单位揭榜").exists()
    page = staff_client.get(reverse("challenges:detail", args=[ch.pk])).content.decode()
    assert "寻找揭榜方" in page and "已邀请：测试甲团队公司" in page
    staff_client.post(url, {"kind": "enterprise", "pk": str(target.pk)})
    assert ch.invitations.count() == 1  # a second invitation of the same party is refused


def test_objection_in_publicity_holds_the_contract_and_an_upheld_one_reopens_the_choice(
        world: dict[str, Any], outsider_client: Client, staff_client: Client) -> None:
    from kechuang.challenges import services
    from kechuang.challenges.workflow import publicity_over

    review_all(world, {"a": 9, "b": 6})
    ch = world["ch"]
    services.move(world["apps"]["a"], "select", actor=world["users"]["issuer"])
    outsider_client.post(reverse("challenges:objection_new", args=[ch.pk]), {"content": "甲团队业绩不实"})
    obj = ch.objections.get()
    assert outsider_client.post(reverse("challenges:objection_resolve", args=[obj.pk]),
                                {"trigger": "dismiss", "comment": "x"}).status_code == 403
    ch.refresh_from_db()
    assert "异议尚未处理" in (publicity_over(ch) or "")  # the condition of 签订任务书
    staff_client.post(reverse("challenges:objection_resolve", args=[obj.pk]),
                      {"trigger": "uphold", "comment": "经核实业绩材料不实"})
    ch.refresh_from_db()
    obj.refresh_from_db()
    assert obj.status == "upheld" and ch.status == "deciding"
    assert set(ch.applications.values_list("status", flat=True)) == {"admitted"}
