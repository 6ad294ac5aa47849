"""Availability rules (weekly opening hours, blackout dates, maintenance windows): the owner's page, its
validation, the refusal of rules over held bookings, the calendar and the booking check, access and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kechuang.core.exceptions import ApplicationError
from kechuang.core.models import AuditLog
from kechuang.instruments import availability, services
from kechuang.instruments.models import Blackout, MaintenanceWindow, ServiceSettings
from kechuang.instruments.services import Request
from kechuang.instruments.tests.helpers import shared_instrument, weekday_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def inst(university_org):
    return shared_instrument(organisation=university_org)


def _url(inst):
    return reverse("instruments:availability", args=[inst.pk])


def _hours(**days: str) -> dict[str, str]:
    data = {"hours-action": "hours"}
    data.update({f"hours-day_{d}": "08:30-12:00，14:00-18:00" if d < 5 else "" for d in range(7)})
    data.update({f"hours-{k}": v for k, v in days.items()})
    return data


@pytest.mark.parametrize(("text", "words"), [
    ("08:00-12:00，11:00-13:00", ["周二开放时段", "“08:00-12:00”与“11:00-13:00”时间重叠"]),
    ("14:00-12:00", ["周二开放时段第 1 段“14:00-12:00”", "结束时间应晚于开始时间"]),
    ("8点到12点", ["周二开放时段第 1 段“8点到12点”无法识别", "08:30-12:00"]),
    ("08:15-12:00", ["起止时间应为 30 分钟的整数倍"]),
    ("09:00-25:00", ["不是有效的时间"]),
])
def test_bad_periods_are_refused_naming_the_weekday(text, words):
    with pytest.raises(ApplicationError) as exc:
        availability.parse_day(1, text, 30)
    assert exc.value.field == "day_1"
    for w in words:
        assert w in exc.value.message


def test_periods_parse_in_order_whatever_the_separators():
    assert availability.parse_day(0, "14:00～18:00、 8:30-12:00", 30) == [["08:30", "12:00"], ["14:00", "18:00"]]
    assert availability.parse_day(0, "  ", 30) == []


def test_owner_sets_hours_and_the_change_is_audited(inst, institution_client, institution_user):
    r = institution_client.post(_url(inst), _hours(day_0="09:00-11:00", day_5="09:00-12:00"), follow=True)
    assert "每周开放时间已保存" in r.content.decode()
    s = ServiceSettings.objects.get(instrument=inst)
    assert s.opening_hours["0"] == [["09:00", "11:00"]] and s.opening_hours["5"] == [["09:00", "12:00"]]
    assert "6" not in s.opening_hours
    log = AuditLog.objects.filter(object_type="instruments.ServiceSettings", object_id=str(s.pk),
                                  action="update").latest("at")
    assert log.actor == institution_user and "opening_hours" in log.changes


def test_overlapping_hours_on_the_page_keep_the_old_hours(inst, institution_client):
    before = ServiceSettings.objects.get(instrument=inst).opening_hours
    page = institution_client.post(_url(inst), _hours(day_2="08:00-12:00，11:30-13:00")).content.decode()
    assert "周三开放时段中“08:00-12:00”与“11:30-13:00”时间重叠" in page
    assert ServiceSettings.objects.get(instrument=inst).opening_hours == before


def test_hours_that_would_drop_a_held_booking_are_refused(inst, enterprise_user, institution_client):
    b = services.book(actor=enterprise_user, requests=[Request(inst, weekday_at(15), weekday_at(16))],
                      purpose="疲劳断口分析")[0]
    page = institution_client.post(_url(inst), _hours(**{f"day_{d}": "08:30-12:00" for d in range(5)})
                                   ).content.decode()
    assert "新的开放时间不再包含已受理预约的时段，未保存" in page and b.slot_text() in page
    assert reverse("instruments:booking_detail", args=[b.pk]) in page  # the owner can open it and refuse it
    assert ServiceSettings.objects.get(instrument=inst).opening_hours["0"] == [["08:30", "12:00"], ["14:00", "18:00"]]


def test_blackout_end_before_start_names_the_field(inst, institution_client):
    day = weekday_at(9).date()
    page = institution_client.post(_url(inst), {
        "blackout-action": "blackout", "blackout-start_date": day.isoformat(),
        "blackout-end_date": (day - dt.timedelta(days=1)).isoformat(), "blackout-reason": "年检"}).content.decode()
    assert "停用结束日期不能早于停用开始日期" in page
    assert not Blackout.objects.exists()


def test_blackout_closes_the_calendar_and_refuses_bookings(inst, institution_client, enterprise_user,
                                                            enterprise_client):
    day = weekday_at(9).date()
    r = institution_client.post(_url(inst), {
        "blackout-action": "blackout", "blackout-start_date": day.isoformat(), "blackout-end_date": day.isoformat(),
        "blackout-reason": "设备年检"}, follow=True)
    assert "已添加停用日期" in r.content.decode()
    rule = Blackout.objects.get()
    assert AuditLog.objects.filter(object_type="instruments.Blackout", object_id=str(rule.pk), action="create").exists()
    page = enterprise_client.get(reverse("instruments:calendar", args=[inst.pk]) + f"?week={day}").content.decode()
    assert "停用：设备年检" in page
    with pytest.raises(ApplicationError) as exc:
        services.book(actor=enterprise_user, requests=[Request(inst, weekday_at(9), weekday_at(10))], purpose="测试")
    assert "停用（设备年检）" in exc.value.message and exc.value.field == "start"
    # The owner removes it (audited) and the day is open again.
    institution_client.post(_url(inst), {"remove": f"blackout:{rule.pk}"})
    assert not Blackout.objects.exists()
    assert AuditLog.objects.filter(object_type="instruments.Blackout", object_id=str(rule.pk), action="delete").exists()
    assert services.book(actor=enterprise_user, requests=[Request(inst, weekday_at(9), weekday_at(10))],
                         purpose="测试")


def test_maintenance_over_an_approved_booking_is_refused_listing_it(inst, enterprise_user, institution_user,
                                                                     institution_client):
    b = services.book(actor=enterprise_user, requests=[Request(inst, weekday_at(10), weekday_at(11))],
                      purpose="形貌表征")[0]
    services.booking_transition(booking=b, trigger="approve", actor=institution_user)
    fmt = "%Y-%m-%dT%H:%M"
    data = {"maint-action": "maintenance", "maint-start": timezone.localtime(weekday_at(9)).strftime(fmt),
            "maint-end": timezone.localtime(weekday_at(12)).strftime(fmt), "maint-reason": "年度计量校准"}
    page = institution_client.post(_url(inst), data).content.decode()
    assert "该维护时段与已受理的预约冲突，未保存" in page
    assert b.slot_text() in page and b.organisation.name in page and "已批准" in page
    assert not MaintenanceWindow.objects.exists()
    # Afternoon maintenance does not touch it: saved, shown, and a request inside it is refused.
    data.update({"maint-start": timezone.localtime(weekday_at(14)).strftime(fmt),
                 "maint-end": timezone.localtime(weekday_at(16)).strftime(fmt)})
    assert "已添加维护时段" in institution_client.post(_url(inst), data, follow=True).content.decode()
    cal = institution_client.get(reverse("instruments:calendar", args=[inst.pk]) + f"?week={weekday_at(9).date()}")
    assert "维护：年度计量校准" in cal.content.decode()
    with pytest.raises(ApplicationError) as exc:
        services.book(actor=enterprise_user, requests=[Request(inst, weekday_at(15), weekday_at(16))], purpose="测")
    assert "维护（年度计量校准）" in exc.value.message


def test_maintenance_end_before_start_and_overlap_are_refused(inst, institution_user):
    with pytest.raises(ApplicationError, match="维护结束时间应晚于维护开始时间"):
        availability.add_maintenance(instrument=inst, actor=institution_user, start=weekday_at(12),
                                     end=weekday_at(9), reason="校准")
    availability.add_maintenance(instrument=inst, actor=institution_user, start=weekday_at(9), end=weekday_at(12),
                                 reason="校准")
    with pytest.raises(ApplicationError, match="与已有的维护安排.*重叠"):
        availability.add_maintenance(instrument=inst, actor=institution_user, start=weekday_at(11),
                                     end=weekday_at(13), reason="换灯丝")


def test_other_organisations_are_refused(inst, outsider, outsider_client, enterprise_client, client, staff_client,
                                         institution_user):
    rule = availability.add_blackout(instrument=inst, actor=institution_user, start_date=weekday_at(9).date(),
                                     end_date=weekday_at(9).date(), reason="搬迁")
    for c in (outsider_client, enterprise_client):
        assert c.get(_url(inst)).status_code == 403
        assert c.post(_url(inst), _hours(day_0="")).status_code == 403
        assert c.post(_url(inst), {"remove": f"blackout:{rule.pk}"}).status_code == 403
    assert client.get(_url(inst)).status_code == 302  # to the login page
    assert Blackout.objects.filter(pk=rule.pk).exists()
    assert ServiceSettings.objects.get(instrument=inst).opening_hours["0"]
    assert staff_client.get(_url(inst)).status_code == 200  # bureau staff manage too
    with pytest.raises(ApplicationError, match="只有仪器所属单位"):
        availability.add_blackout(instrument=inst, actor=outsider, start_date=weekday_at(9).date(),
                                  end_date=weekday_at(9).date(), reason="无权设置")


def test_removal_stays_within_the_instrument(inst, university_org, institution_user, institution_client):
    other = shared_instrument(organisation=university_org)
    w = availability.add_maintenance(instrument=other, actor=institution_user, start=weekday_at(9),
                                     end=weekday_at(10), reason="换灯丝")
    assert institution_client.post(_url(inst), {"remove": f"maintenance:{w.pk}"}).status_code == 404
    assert "要删除的安排不存在" in institution_client.post(_url(inst), {"remove": "other:1"}, follow=True
                                                          ).content.decode()
    r = institution_client.post(_url(other), {"remove": f"maintenance:{w.pk}"}, follow=True)
    assert "已删除" in r.content.decode() and not MaintenanceWindow.objects.exists()
    assert AuditLog.objects.filter(object_type="instruments.MaintenanceWindow", action="delete",
                                   actor=institution_user).exists()


def test_blackout_over_a_pending_booking_is_refused_listing_it(inst, enterprise_user, institution_user):
    b = services.book(actor=enterprise_user, requests=[Request(inst, weekday_at(9), weekday_at(10))],
                      purpose="来料检验")[0]
    with pytest.raises(availability.RulesConflict) as exc:
        availability.add_blackout(instrument=inst, actor=institution_user, start_date=weekday_at(9).date(),
                                  end_date=weekday_at(9).date() + dt.timedelta(days=2), reason="搬迁")
    assert exc.value.bookings == [b] and "待审批" in exc.value.message and "该停用日期与已受理的预约冲突" in exc.value.message
    assert not Blackout.objects.exists()
    # Once the owner refuses it (through the workflow, with a reason the customer reads), the blackout is accepted.
    services.booking_transition(booking=b, trigger="refuse", actor=institution_user, data={"reason": "实验室搬迁"})
    assert availability.add_blackout(instrument=inst, actor=institution_user, start_date=weekday_at(9).date(),
                                     end_date=weekday_at(9).date(), reason="搬迁")
