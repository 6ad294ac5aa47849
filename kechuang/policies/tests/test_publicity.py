"""公示期, 异议 and 撤回: the waiting period before 兑现 (explicit dates on the records, no clock mocking), objections
anyone signed in may raise and only staff resolve, the public 公示 list, and the applicant's own withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from kechuang.core.exceptions import ApplicationError
from kechuang.policies import services
from kechuang.policies.choices import ApplicationStatus as S
from kechuang.policies.choices import ObjectionStatus, PushStatus
from kechuang.policies.models import Application, Objection, Payout, Push
from kechuang.policies.tests.conftest import end_publicity, move_to_publicised
from kechuang.policies.workflow import APPLICATION_WORKFLOW, publicity_reason
from kechuang.workflow.engine import history, transition
from kechuang.workflow.models import Notification

pytestmark = pytest.mark.django_db

CONTENT = "该单位的省级企业技术中心认定已被撤销，不应享受本项奖补。"


def _publicised(app: Any, staff: Any) -> Any:
    return move_to_publicised(app, staff, period_over=False)


def _set_period(app: Any, start: dt.date, end: dt.date) -> Any:
    Application.objects.filter(pk=app.pk).update(publicity_starts_on=start, publicity_ends_on=end)
    app.refresh_from_db()
    return app


# --- 公示期 ------------------------------------------------------------------------------------------------------


def test_publicity_period_counts_five_working_days_across_national_day(application: Any, staff_user: Any,
                                                                         on_day: Any) -> None:
    # Publicised on Wednesday 30 September 2026: 1–7 October are holidays, Saturday 10 October is worked (调休).
    on_day(dt.date(2026, 9, 30))
    app = _publicised(application, staff_user)
    assert app.publicity_starts_on == dt.date(2026, 9, 30)
    app.refresh_from_db()
    assert app.publicity_ends_on == dt.date(2026, 10, 13)  # 8, 9, 10, 12, 13 October


def test_period_length_is_a_setting(application: Any, staff_user: Any, settings: Any, on_day: Any) -> None:
    settings.POLICY_PUBLICITY_WORKING_DAYS = 10
    on_day(dt.date(2026, 6, 1))  # a Monday in an ordinary June
    app = _publicised(application, staff_user)
    assert app.publicity_ends_on == dt.date(2026, 6, 15)


def test_a_year_without_a_holiday_calendar_refuses_publicity(application: Any, staff_user: Any,
                                                             on_day: Any) -> None:
    on_day(dt.date(2026, 12, 28))  # five working days later is in 2027, which the calendar does not know
    services.application_transition(application=application, trigger="accept", actor=staff_user)
    services.application_transition(application=application, trigger="review", actor=staff_user,
                                    amount_approved=100_000)
    with pytest.raises(ApplicationError, match="尚未录入 2027 年的法定节假日"):
        services.application_transition(application=application, trigger="publicise", actor=staff_user)
    application.refresh_from_db()
    assert application.status == S.REVIEWED


def test_time_condition_on_pay_with_explicit_dates(application: Any, staff_user: Any) -> None:
    app = _set_period(_publicised(application, staff_user), dt.date(2026, 6, 1), dt.date(2026, 6, 7))
    assert "公示期未满" in (publicity_reason(app, dt.date(2026, 6, 1)) or "")
    last_day = publicity_reason(app, dt.date(2026, 6, 7))
    assert last_day == "公示期未满：公示期至2026年6月7日，2026年6月8日起方可兑现"
    assert publicity_reason(app, dt.date(2026, 6, 8)) is None


def test_pay_refused_during_the_period_then_paid(application: Any, budget: Any, staff_user: Any) -> None:
    app = _publicised(application, staff_user)
    with pytest.raises(ApplicationError) as e:
        services.application_pay(application=app, actor=staff_user)
    assert "公示期未满" in e.value.message and e.value.field == "publicity_ends_on"
    # Last day of the period (today): still refused, also by the workflow condition itself.
    _set_period(app, services.today() - dt.timedelta(days=6), services.today())
    with pytest.raises(ApplicationError) as e:
        transition(app, APPLICATION_WORKFLOW, "pay", actor=staff_user)
    assert "公示期未满" in e.value.message
    end_publicity(app)
    services.application_pay(application=app, actor=staff_user)
    app.refresh_from_db()
    assert app.status == S.PAID and Payout.objects.filter(application=app).exists()


def test_staff_page_shows_why_pay_waits(application: Any, staff_user: Any, staff_client: Any) -> None:
    app = _publicised(application, staff_user)
    html = staff_client.get(reverse("policies:application_detail", args=[app.pk])).content.decode()
    assert "暂不能兑现：公示期未满" in html and 'value="pay"' not in html
    end_publicity(app)
    html = staff_client.get(reverse("policies:application_detail", args=[app.pk])).content.decode()
    assert 'value="pay"' in html and "暂不能兑现" not in html


# --- 异议 ---------------------------------------------------------------------------------------------------------


def test_anyone_signed_in_objects_during_the_period(application: Any, staff_user: Any, outsider: Any) -> None:
    app = _publicised(application, staff_user)
    o = services.objection_raise(application=app, content=CONTENT, actor=outsider, contact="13800000000")
    assert o.status == ObjectionStatus.OPEN and o.raised_by == outsider
    with pytest.raises(ApplicationError) as e:  # one open objection per person and application
        services.objection_raise(application=app, content=CONTENT, actor=outsider)
    assert e.value.field == "content"


def test_objection_rules(application: Any, staff_user: Any, outsider: Any) -> None:
    with pytest.raises(ApplicationError) as e:  # not in 公示
        services.objection_raise(application=application, content=CONTENT, actor=outsider)
    assert "不在公示中" in e.value.message
    app = _publicised(application, staff_user)
    with pytest.raises(ApplicationError) as e:
        services.objection_raise(application=app, content="不同意", actor=outsider)
    assert e.value.field == "content" and "异议内容" in e.value.message
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ApplicationError) as e:
        services.objection_raise(application=app, content=CONTENT, actor=AnonymousUser())
    assert "登录" in e.value.message
    # Period dates decide: the last day is inside, the day after is not.
    _set_period(app, dt.date(2026, 6, 1), dt.date(2026, 6, 7))
    assert services.objection_raise(application=app, content=CONTENT, actor=outsider,
                                    today_=dt.date(2026, 6, 7)).pk
    with pytest.raises(ApplicationError) as e:
        services.objection_raise(application=app, content=CONTENT + "补充", actor=staff_user,
                                 today_=dt.date(2026, 6, 8))
    assert "不在公示期内" in e.value.message and e.value.field == "publicity_ends_on"


def test_open_objection_blocks_pay_until_dismissed(application: Any, budget: Any, staff_user: Any,
                                                   outsider: Any, django_capture_on_commit_callbacks: Any) -> None:
    app = _publicised(application, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        o = services.objection_raise(application=app, content=CONTENT, actor=outsider)
    assert Notification.objects.filter(recipient=staff_user, message__contains="公示异议").exists()
    end_publicity(app)
    with pytest.raises(ApplicationError) as e:
        services.application_pay(application=app, actor=staff_user)
    assert "1 件异议尚未处理" in e.value.message
    with pytest.raises(ApplicationError) as e:
        services.objection_resolve(objection=o, decision="dismiss", actor=staff_user)
    assert e.value.field == "comment"
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_resolve(objection=o, decision="dismiss", actor=staff_user, comment="经核实，认定有效")
    o.refresh_from_db()
    assert o.status == ObjectionStatus.DISMISSED and o.resolved_by == staff_user and o.resolution
    assert [h.trigger for h in history(o)] == ["dismiss"]
    assert Notification.objects.filter(recipient=outsider, message__contains="异议不成立").exists()
    app.refresh_from_db()
    assert app.status == S.PUBLICISED
    services.application_pay(application=app, actor=staff_user)
    app.refresh_from_db()
    assert app.status == S.PAID


def test_upheld_objection_sends_back_to_review(application: Any, staff_user: Any, outsider: Any,
                                               enterprise_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    app = _publicised(application, staff_user)
    o = services.objection_raise(application=app, content=CONTENT, actor=outsider)
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_resolve(objection=o, decision="uphold_review", actor=staff_user, comment="金额需重新核定")
    app.refresh_from_db()
    assert app.status == S.ACCEPTED
    steps = [(h.trigger, h.from_state, h.to_state) for h in history(app)]
    assert steps[-1] == ("reopen", "publicised", "accepted")
    assert Notification.objects.filter(recipient=enterprise_user, message__contains="退回重新审核").exists()
    # Re-reviewed and publicised again: a new period starts.
    Application.objects.filter(pk=app.pk).update(publicity_starts_on=dt.date(2020, 1, 1),
                                                 publicity_ends_on=dt.date(2020, 1, 7))
    app.refresh_from_db()
    services.application_transition(application=app, trigger="review", actor=staff_user, amount_approved=150_000)
    services.application_transition(application=app, trigger="publicise", actor=staff_user)
    assert app.publicity_starts_on == services.today()


def test_upheld_objection_can_reject(application: Any, staff_user: Any, outsider: Any) -> None:
    app = _publicised(application, staff_user)
    o = services.objection_raise(application=app, content=CONTENT, actor=outsider)
    services.objection_resolve(objection=o, decision="uphold_reject", actor=staff_user, comment="认定已被撤销")
    app.refresh_from_db()
    assert app.status == S.REJECTED and "认定已被撤销" in app.reject_reason


def test_reopen_only_through_objection_handling(application: Any, staff_user: Any) -> None:
    app = _publicised(application, staff_user)
    with pytest.raises(ApplicationError):
        transition(app, APPLICATION_WORKFLOW, "reopen", actor=staff_user, comment="x")
    with pytest.raises(ApplicationError):
        services.application_transition(application=app, trigger="reopen", actor=staff_user, comment="x")
    app.refresh_from_db()
    assert app.status == S.PUBLICISED


@pytest.mark.parametrize("who", ["outsider", "enterprise_user", "broker", "reviewer"])
def test_only_staff_resolve_objections(application: Any, staff_user: Any, outsider: Any, who: str,
                                       request: Any) -> None:
    app = _publicised(application, staff_user)
    o = services.objection_raise(application=app, content=CONTENT, actor=outsider)
    actor = request.getfixturevalue(who)
    with pytest.raises(ApplicationError):
        services.objection_resolve(objection=o, decision="dismiss", actor=actor, comment="x")
    o.refresh_from_db()
    assert o.status == ObjectionStatus.OPEN


# --- Pages --------------------------------------------------------------------------------------------------------


def test_public_publicity_list_shows_no_private_data(client: Any, application: Any, staff_user: Any,
                                                     rich_org: Any, outsider: Any) -> None:
    Application.objects.filter(pk=application.pk).update(description="内部说明：联系人张三 13900000000")
    app = _publicised(application, staff_user)
    services.objection_raise(application=app, content=CONTENT, actor=outsider, contact="13800000000")
    r = client.get(reverse("policies:publicity_list"))
    assert r.status_code == 200
    html = r.content.decode()
    row = html[html.index(f'id="pub-{app.pk}"'):]
    row = row[:row.index("</tr>")]
    assert rich_org.name in row and "首次认定" in row or app.measure_title in row
    assert "20万元" in row
    start, end = app.publicity_starts_on, app.publicity_ends_on
    assert f"{start.year}年{start.month}月{start.day}日" in row and f"{end.year}年{end.month}月{end.day}日" in row
    assert "提出异议" in row
    for private in ("张三", "13900000000", "13800000000", CONTENT, "测试ent", "测试outsider", "申请金额"):
        assert private not in html, private


def test_publicity_list_lists_only_applications_in_publicity(client: Any, application: Any,
                                                             staff_user: Any) -> None:
    assert f'id="pub-{application.pk}"' not in client.get(reverse("policies:publicity_list")).content.decode()
    end_publicity(move_to_publicised(application, staff_user))
    html = client.get(reverse("policies:publicity_list")).content.decode()
    assert f'id="pub-{application.pk}"' in html and "公示期已满" in html


def test_objection_pages(client: Any, outsider_client: Any, staff_client: Any, application: Any,
                         staff_user: Any, outsider: Any) -> None:
    url = reverse("policies:objection_new", args=[application.pk])
    assert outsider_client.get(url).status_code == 404  # not in 公示
    app = _publicised(application, staff_user)
    # Anonymous: may read the list, must sign in to object.
    for r in (client.get(url), client.post(url, {"content": CONTENT})):
        assert r.status_code == 302 and "/accounts/login/" in r.url
    assert not Objection.objects.exists()
    assert outsider_client.get(url).status_code == 200
    r = outsider_client.post(url, {"content": "太短"})
    assert r.status_code == 200 and "异议内容" in r.content.decode()
    r = outsider_client.post(url, {"content": CONTENT, "contact": "13800000000"})
    assert r.status_code == 302
    o = Objection.objects.get()
    assert o.raised_by == outsider and o.application == app
    # Staff see it on the application with the objector and contact, and resolve it there.
    html = staff_client.get(reverse("policies:application_detail", args=[app.pk])).content.decode()
    assert CONTENT in html and "13800000000" in html and "1 件待处理" in html
    resolve = reverse("policies:objection_resolve", args=[o.pk])
    assert client.post(resolve, {"decision": "dismiss", "comment": "x"}).status_code == 302  # to login
    assert outsider_client.post(resolve, {"decision": "dismiss", "comment": "x"}).status_code == 403
    o.refresh_from_db()
    assert o.status == ObjectionStatus.OPEN
    r = staff_client.post(resolve, {"decision": "uphold_reject", "comment": "认定已撤销"})
    assert r.status_code == 302
    o.refresh_from_db()
    app.refresh_from_db()
    assert o.status == ObjectionStatus.UPHELD and app.status == S.REJECTED
    assert outsider_client.get(url).status_code == 404  # no longer in 公示


def test_applicant_sees_objection_count_not_the_objector(enterprise_client: Any, application: Any,
                                                         staff_user: Any, outsider: Any) -> None:
    app = _publicised(application, staff_user)
    services.objection_raise(application=app, content=CONTENT, actor=outsider, contact="13800000000")
    html = enterprise_client.get(reverse("policies:application_detail", args=[app.pk])).content.decode()
    assert "收到异议 1 件" in html
    assert "13800000000" not in html and CONTENT not in html and "outsider" not in html


# --- 撤回 ---------------------------------------------------------------------------------------------------------


def test_member_withdraws_before_review_and_it_is_logged(application: Any, enterprise_user: Any,
                                                         staff_user: Any, rich_org: Any) -> None:
    services.application_transition(application=application, trigger="accept", actor=staff_user)
    services.application_withdraw(application=application, actor=enterprise_user, comment="材料需补充后重新申报")
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    last = list(history(application))[-1]
    assert (last.trigger, last.from_state, last.to_state, last.actor) == (
        "withdraw", "accepted", "withdrawn", enterprise_user)
    assert last.comment == "材料需补充后重新申报"
    # Withdrawn is not open: the organisation may apply again for the same measure and year.
    again = services.application_submit(organisation=rich_org, measure_id=application.measure_id,
                                        amount_requested=100_000, actor=enterprise_user, year=application.year)
    assert again.status == S.SUBMITTED


def test_withdraw_refused_once_reviewed(application: Any, enterprise_user: Any, staff_user: Any) -> None:
    services.application_transition(application=application, trigger="accept", actor=staff_user)
    services.application_transition(application=application, trigger="review", actor=staff_user,
                                    amount_approved=200_000)
    with pytest.raises(ApplicationError) as e:
        services.application_withdraw(application=application, actor=enterprise_user)
    assert "不能执行" in e.value.message
    application.refresh_from_db()
    assert application.status == S.REVIEWED


@pytest.mark.parametrize("who", ["outsider", "staff_user", "broker", "institution_user"])
def test_only_members_withdraw(application: Any, who: str, request: Any) -> None:
    with pytest.raises(ApplicationError) as e:
        services.application_withdraw(application=application, actor=request.getfixturevalue(who))
    assert "没有权限" in e.value.message
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_withdraw_pages_and_api(enterprise_client: Any, outsider_client: Any, client: Any, application: Any) -> None:
    url = reverse("policies:application_transition", args=[application.pk])
    assert client.post(url, {"trigger": "withdraw"}).status_code == 302  # to login
    assert outsider_client.post(url, {"trigger": "withdraw"}).status_code == 404
    api = reverse("policy-application-transition", args=[application.pk])
    assert outsider_client.post(api, {"trigger": "withdraw"}, content_type="application/json").status_code == 404
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    r = enterprise_client.post(api, {"trigger": "withdraw"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_withdraw_on_the_page(enterprise_client: Any, application: Any) -> None:
    url = reverse("policies:application_transition", args=[application.pk])
    assert enterprise_client.post(url, {"trigger": "withdraw", "comment": "重复申报"}).status_code == 302
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    html = enterprise_client.get(reverse("policies:application_detail", args=[application.pk])).content.decode()
    assert "已撤回" in html and "重复申报" in html and 'value="withdraw"' not in html


def test_withdrawing_a_pushed_application_reopens_the_push(rich_org: Any, staff_user: Any,
                                                           enterprise_user: Any) -> None:
    services.push_batch_start(actor=staff_user, background=False)
    push = Push.objects.get(organisation=rich_org, measure_id="kc001-03-enterprise-tech-center")
    services.push_review(push=push, approve=True, actor=staff_user)
    app = services.application_submit(organisation=rich_org, measure_id=push.measure_id, push=push,
                                      amount_requested=200_000, actor=enterprise_user)
    push.refresh_from_db()
    assert push.status == PushStatus.APPLIED
    services.application_withdraw(application=app, actor=enterprise_user)
    push.refresh_from_db()
    assert push.status == PushStatus.APPROVED
