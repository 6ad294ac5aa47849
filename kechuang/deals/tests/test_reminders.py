"""Issue 14: reminders through notifications on a deal's next-action date, run by the periodic scheduler
(``periodic.tick`` enqueues the recorded job, ``jobs.run_next`` runs it — the path production takes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from kechuang.core import jobs, periodic
from kechuang.core.models import Job
from kechuang.deals import services
from kechuang.deals.choices import Origin
from kechuang.deals.models import Deal
from kechuang.deals.tests.factories import published_pair
from kechuang.workflow.models import Notification

pytestmark = pytest.mark.django_db
HOOK = "deals.next_action.remind"


@pytest.fixture
def only_the_reminder(settings: Any) -> Any:
    # Only this hook: the workflow's own stage deadlines would notify the broker too and blur the count.
    settings.KECHUANG_PERIODIC_TASKS = {HOOK: django_settings.KECHUANG_PERIODIC_TASKS[HOOK]}
    return settings


def _sweep_at(day: dt.date, capture: Any, hour: int = 9) -> dict[str, Any]:
    """One scheduler tick at ``hour`` o'clock of ``day`` (local time) and the job it enqueued, run to the end."""
    now = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    started = periodic.tick(now)
    assert [j.kind for j in started] == [f"periodic.{HOOK}"]
    with capture(execute=True):
        job = jobs.run_next()
    assert job is not None and job.status == Job.Status.DONE, getattr(job, "error", None)
    return dict(job.result)


def _reminders(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user, message__contains="下一步工作").values_list(
        "message", flat=True))


def test_the_reminder_is_a_registered_periodic_task() -> None:
    path, every = django_settings.KECHUANG_PERIODIC_TASKS[HOOK]
    assert path == "kechuang.deals.reminders.sweep" and every > 0


def test_broker_is_reminded_once_on_the_date_and_a_new_date_rearms_it(
        only_the_reminder: Any, django_capture_on_commit_callbacks: Any, enterprise_org: Any, university_org: Any,
        broker: Any, enterprise_user: Any, institution_user: Any) -> None:
    demand, achievement = published_pair(enterprise_org, university_org)
    deal = services.deal_open(actor=broker, demand=demand, achievement=achievement, origin=Origin.MATCH)
    day = timezone.localdate() + dt.timedelta(days=3)
    services.note_add(deal=deal, actor=broker, text="约定实地考察", next_action="组织双方实地考察",
                      next_action_on=day)

    assert _sweep_at(day - dt.timedelta(days=1), django_capture_on_commit_callbacks) == {"deals": 0, "notices": 0}
    assert _reminders(broker) == []  # the day before: nothing yet

    assert _sweep_at(day, django_capture_on_commit_callbacks) == {"deals": 1, "notices": 1}
    [message] = _reminders(broker)
    assert "组织双方实地考察" in message and "今天" in message
    assert Deal.objects.get(pk=deal.pk).next_action_reminded_on == day
    # The parties have a broker working for them: the reminder is the broker's alone.
    assert _reminders(enterprise_user) == [] and _reminders(institution_user) == []

    # Later sweeps (same day, next day) do not remind the same date again.
    _sweep_at(day, django_capture_on_commit_callbacks, hour=15)
    _sweep_at(day + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(_reminders(broker)) == 1

    # The broker writes down a new date: reminded again once that date comes, not before.
    new_day = day + dt.timedelta(days=5)
    services.note_add(deal=deal, actor=broker, text="对方推迟", next_action="电话确认考察时间",
                      next_action_on=new_day)
    _sweep_at(new_day - dt.timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(_reminders(broker)) == 1
    assert _sweep_at(new_day + dt.timedelta(days=2), django_capture_on_commit_callbacks)["deals"] == 1
    latest = _reminders(broker)
    assert len(latest) == 2 and any("电话确认考察时间" in m and "已过 2 天" in m for m in latest)


def test_closed_deals_are_not_reminded_and_a_deal_without_broker_reminds_the_parties(
        only_the_reminder: Any, django_capture_on_commit_callbacks: Any, enterprise_org: Any, university_org: Any,
        broker: Any, enterprise_user: Any, institution_user: Any) -> None:
    demand, achievement = published_pair(enterprise_org, university_org)
    day = timezone.localdate() + dt.timedelta(days=1)
    # 我要对接 by the enterprise, no broker on the demand: the parties carry the next action themselves.
    own = services.deal_open(actor=enterprise_user, achievement=achievement)
    services.note_add(deal=own, actor=enterprise_user, text="已发函", next_action="等待成果方回复",
                      next_action_on=day)
    ended = services.deal_open(actor=broker, demand=demand, achievement=achievement, origin=Origin.MATCH)
    services.note_add(deal=ended, actor=broker, text="安排会谈", next_action="双方会谈", next_action_on=day)
    services.deal_transition(deal=ended, trigger="terminate", actor=broker, data={"termination_reason": "price"})

    assert _sweep_at(day, django_capture_on_commit_callbacks) == {"deals": 1, "notices": 2}
    assert len(_reminders(enterprise_user)) == 1 and len(_reminders(institution_user)) == 1
    assert _reminders(broker) == []  # the terminated deal's date passes in silence
    assert Deal.objects.get(pk=ended.pk).next_action_reminded_on is None
