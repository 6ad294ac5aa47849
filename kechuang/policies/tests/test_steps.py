"""The policy steps as the pages offer them: 审核通过 with its 核定金额 form after 受理 (no dead end), the 受理
reminder and the 公示 deadline in working days, internal steps refused, and 免申即享 pushes on their workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from kechuang.core.exceptions import ApplicationError
from kechuang.policies import services
from kechuang.policies.choices import ApplicationStatus as S
from kechuang.policies.choices import PushStatus
from kechuang.policies.models import Push
from kechuang.policies.workflow import APPLICATION_WORKFLOW, PUSH_WORKFLOW
from kechuang.workflow import deadlines
from kechuang.workflow.engine import transition
from kechuang.workflow.models import Notification, StateChange

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def test_after_accept_staff_are_offered_review_with_its_amount_form(application: Any, staff_user: Any,
                                                                     staff_client: Any) -> None:
    services.application_transition(application=application, trigger="accept", actor=staff_user)
    offered = [t.trigger for t in APPLICATION_WORKFLOW.available(application, staff_user)]
    assert offered == ["review", "reject"]
    page = staff_client.get(reverse("policies:application_detail", args=[application.pk])).content.decode()
    assert 'id="id_review_amount_approved"' in page and 'value="200000"' in page and "审核通过" in page
    url = reverse("policies:application_transition", args=[application.pk])
    too_much = staff_client.post(url, {"trigger": "review", "amount_approved": "900000"}, follow=True)
    assert "核定金额不能超过申请金额" in too_much.content.decode()
    staff_client.post(url, {"trigger": "review", "amount_approved": "150000", "comment": "按实际投入核定"})
    application.refresh_from_db()
    assert application.status == S.REVIEWED and application.amount_approved == 150_000
    change = StateChange.objects.get(object_id=str(application.pk), trigger="review")
    assert change.comment == "按实际投入核定"


def test_empty_amount_names_the_field(application: Any, staff_user: Any) -> None:
    services.application_transition(application=application, trigger="accept", actor=staff_user)
    with pytest.raises(ApplicationError) as e:
        services.application_transition(application=application, trigger="review", actor=staff_user)
    assert e.value.field == "amount_approved" and e.value.message == "请填写核定金额"
    application.refresh_from_db()
    assert application.status == S.ACCEPTED and application.amount_approved is None


def test_waiting_in_accepted_reminds_staff_after_ten_working_days(application: Any, staff_user: Any, on_day: Any,
                                                                  django_capture_on_commit_callbacks: Any) -> None:
    # Thursday 24 September 2026. The ten working days skip 中秋 (25 September) and National Day (1–7 October) and
    # count Saturday 10 October (调休上班): 28, 29, 30 Sep, 8, 9, 10, 12, 13, 14, 15 Oct.
    on_day(dt.date(2026, 9, 24))
    services.application_transition(application=application, trigger="accept", actor=staff_user)
    (row,) = deadlines.pending_for(application)
    assert row.label == "受理后审核期限" and row.due_on == dt.date(2026, 10, 15)
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.sweep(dt.datetime(2026, 10, 15, 18, tzinfo=CST))["fired"] == 0
        assert deadlines.sweep(dt.datetime(2026, 10, 16, 8, tzinfo=CST))["notices"] == 1
    assert Notification.objects.filter(recipient=staff_user, message__contains="受理已满 10 个工作日").exists()


def test_the_page_shows_working_days_left_of_the_publicity_period(application: Any, staff_user: Any,
                                                                   staff_client: Any, on_day: Any) -> None:
    on_day(dt.date(2026, 6, 1))
    services.application_transition(application=application, trigger="accept", actor=staff_user)
    services.application_transition(application=application, trigger="review", actor=staff_user,
                                    amount_approved=100_000)
    services.application_transition(application=application, trigger="publicise", actor=staff_user)
    on_day(dt.date(2026, 6, 3))
    page = staff_client.get(reverse("policies:application_detail", args=[application.pk])).content.decode()
    assert "公示期至2026年6月8日，还剩 3 个工作日" in page
    assert 'id="blocked-pay"' in page and "公示期未满" in page


def test_internal_steps_cannot_be_taken_from_a_page(application: Any, staff_user: Any, staff_client: Any) -> None:
    from kechuang.policies.tests.conftest import move_to_publicised

    app = move_to_publicised(application, staff_user, period_over=False)
    assert "reopen" not in [t.trigger for t in APPLICATION_WORKFLOW.available(app, staff_user)]
    r = staff_client.post(reverse("policies:application_transition", args=[app.pk]),
                          {"trigger": "reopen", "comment": "绕过异议"}, follow=True)
    assert "“异议成立，退回审核”不能直接办理：请在公示异议中处理" in r.content.decode()
    app.refresh_from_db()
    assert app.status == S.PUBLICISED


def _approved_push(rich_org: Any, staff_user: Any, measure: str = "kc001-03-enterprise-tech-center") -> Push:
    services.push_batch_start(actor=staff_user, background=False)
    return Push.objects.get(organisation=rich_org, measure_id=measure)


def test_push_is_not_offered_while_an_application_is_open(rich_org: Any, staff_user: Any, staff_client: Any,
                                                          application: Any) -> None:
    push = _approved_push(rich_org, staff_user)
    assert "approve" not in [t.trigger for t in PUSH_WORKFLOW.available(push, staff_user)]
    page = staff_client.get(reverse("policies:push_list")).content.decode()
    assert f'id="push{push.pk}-blocked-approve"' in page and "已有该措施的在办申报" in page
    assert f'id="push{push.pk}-step-approve"' not in page
    with pytest.raises(ApplicationError, match="在办申报"):
        services.push_review(push=push, approve=True, actor=staff_user)


def test_one_click_application_from_a_push_and_withdrawal_gives_it_back(
        rich_org: Any, staff_user: Any, staff_client: Any, enterprise_client: Any) -> None:
    push = _approved_push(rich_org, staff_user)
    staff_client.post(reverse("policies:push_review", args=[push.pk]), {"trigger": "approve", "comment": "核实无误"})
    push.refresh_from_db()
    assert push.status == PushStatus.APPROVED and push.comment == "核实无误" and push.reviewed_by == staff_user
    r = enterprise_client.post(reverse("policies:push_apply", args=[push.pk]))
    push.refresh_from_db()
    assert r.status_code == 302 and push.status == PushStatus.APPLIED
    app = push.applications.get()
    assert [c.trigger for c in StateChange.objects.filter(object_id=str(push.pk),
                                                           content_type__model="push")] == ["approve", "apply"]
    enterprise_client.post(reverse("policies:application_transition", args=[app.pk]), {"trigger": "withdraw"})
    push.refresh_from_db()
    assert push.status == PushStatus.APPROVED and push.reviewed_by == staff_user
    with pytest.raises(ApplicationError, match="一键申报"):
        transition(push, PUSH_WORKFLOW, "apply", actor=staff_user)
