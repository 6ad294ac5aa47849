"""Matchmaking events: registration, pairs from the matching engine with a clash-free schedule, check-in, an
intention that becomes a deal, the event's figures — and an outsider refused the staff's actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kechuang.core.exceptions import ApplicationError
from kechuang.deals import events
from kechuang.deals.models import Deal, EventRegistration, MatchEvent
from kechuang.market import indexing
from kechuang.market.choices import Status
from kechuang.market.tests.factories import AchievementFactory, DemandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def isolated_index(settings, tmp_path):
    settings.KECHUANG_INDEX_DIR = tmp_path / "index"
    settings.KECHUANG_INDEX_AUTO_REBUILD = False
    indexing.reset()
    yield
    indexing.reset()


@pytest.fixture
def event(staff_user):
    return events.event_create(actor=staff_user, title="校企双进·找矿挖宝（新能源专场）", theme="光伏运维",
                               starts_at=timezone.now() + dt.timedelta(days=3), place="呈贡科创中心", capacity=10)


def test_event_pairs_registrants_and_an_intention_becomes_a_deal(event, staff_user, enterprise_user,
                                                                 institution_user, enterprise_org, university_org,
                                                                 outsider, outsider_client, client, staff_client):
    demand = DemandFactory(organisation=enterprise_org, status=Status.PUBLISHED, title="光伏组件积灰清洗需求",
                           description="光伏电站组件积灰，寻求清洗机器人。", keywords=["光伏", "清洗机器人"])
    AchievementFactory(owner=university_org, status=Status.PUBLISHED, title="光伏组件智能清洗机器人",
                       abstract="无水清洗光伏组件积灰的机器人。", keywords=["光伏", "清洗机器人"])
    AchievementFactory(owner=outsider.organisation, status=Status.PUBLISHED, title="光伏清洗无人机",
                       abstract="无人机清洗光伏组件积灰。", keywords=["光伏", "清洗"])
    indexing.build_index()
    indexing.get_index()
    with pytest.raises(ApplicationError, match="科技局"):
        events.event_create(actor=outsider, title="x", starts_at=timezone.now())
    events.event_register(event=event, actor=enterprise_user, demand=demand, seeks="光伏清洗技术")
    events.event_register(event=event, actor=institution_user, brings="光伏清洗机器人")
    r = outsider_client.post(reverse("deals:event_register", args=[event.pk]), {"brings": "清洗无人机"})
    assert r.status_code == 302 and EventRegistration.objects.filter(event=event).count() == 3
    with pytest.raises(ApplicationError, match="已报名"):
        events.event_register(event=event, actor=enterprise_user, seeks="再报一次")
    # Staff only: propose, check in, record outcomes.
    assert outsider_client.post(reverse("deals:event_propose", args=[event.pk])).status_code == 403
    staff_client.post(reverse("deals:event_propose", args=[event.pk]))
    meetings = list(event.meetings.all())
    assert {m.holder.organisation_id for m in meetings} == {university_org.pk, outsider.organisation_id}
    assert len({m.slot for m in meetings}) == len(meetings)  # the enterprise meets one holder per slot
    reg = event.registrations.get(organisation=enterprise_org)
    assert outsider_client.post(reverse("deals:event_checkin", args=[reg.pk])).status_code == 403
    staff_client.post(reverse("deals:event_checkin", args=[reg.pk]))
    m = next(m for m in meetings if m.holder.organisation_id == university_org.pk)
    assert outsider_client.post(reverse("deals:meeting_outcome", args=[m.pk]), {"outcome": "intent"}).status_code == 403
    staff_client.post(reverse("deals:meeting_outcome", args=[m.pk]), {"outcome": "intent"})
    m.refresh_from_db()
    deal = Deal.objects.get(pk=m.deal_id)
    assert (deal.enterprise, deal.institute, deal.origin) == (enterprise_org, university_org, "event")
    stats = events.statistics(event)
    assert (stats["participants"], stats["checked_in"], stats["intentions"], stats["deals"]) == (3, 1, 1, 1)
    # The public sees the figures, not the schedule; the outsider sees only its own meetings.
    page = client.get(reverse("deals:event_detail", args=[event.pk])).content.decode()
    assert "光伏组件智能清洗机器人" not in page and "活动统计" in page
    page = outsider_client.get(reverse("deals:event_detail", args=[event.pk])).content.decode()
    assert "光伏清洗无人机" in page and "光伏组件智能清洗机器人" not in page
    assert client.get(reverse("deals:event_list")).status_code == 200
    assert MatchEvent.objects.count() == 1
    api = outsider_client.get(reverse("match-event-detail", args=[event.pk])).json()
    assert api["figures"]["deals"] == 1 and api["figures"]["meetings"] == 2 and "schedule" not in api
    assert "光伏组件智能清洗机器人" not in outsider_client.get(reverse("match-event-list")).content.decode()
