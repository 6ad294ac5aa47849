from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import timezone

from kechuang.instruments import services
from kechuang.instruments.models import Booking
from kechuang.instruments.services import Request
from kechuang.instruments.tests.helpers import shared_instrument, weekday_at
from kechuang.tests_support.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def used(enterprise_user):
    provider = UserFactory(organisation=OrganisationFactory(kind="university", name="测试共享实验室大学"))
    inst = shared_instrument(organisation=provider.organisation)
    b = services.book(actor=enterprise_user, requests=[Request(inst, weekday_at(9), weekday_at(10))],
                      purpose="形貌")[0]
    b = services.booking_transition(booking=b, trigger="approve", actor=provider)
    Booking.objects.filter(pk=b.pk).update(start=b.start - timezone.timedelta(days=14),
                                           end=b.end - timezone.timedelta(days=14))
    b.refresh_from_db()
    s = timezone.localtime(b.start)
    b = services.booking_transition(booking=b, trigger="record_use", actor=provider, data={
        "actual_start": f"{s:%Y-%m-%d} 09:00", "actual_end": f"{s:%Y-%m-%d} 10:00"})
    services.rate(booking=b, rating=4, actor=enterprise_user)
    return b


def test_statement_xlsx(used, enterprise_client):
    month = f"{timezone.localtime(used.start):%Y-%m}"
    page = enterprise_client.get(f"/instruments/statement/?month={month}").content.decode()
    assert "本月合计 300 元" in page
    r = enterprise_client.get(f"/instruments/statement/?month={month}&format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][0] == "仪器" and rows[1][-1] == 300 and rows[1][7] == "已使用"


def test_evaluation_ranks_by_external_hours(used, client):
    page = client.get(f"/instruments/?year={timezone.localtime(used.start).year}").content.decode()
    assert used.instrument.name in page and "4.0 分（1 次）" in page and "形貌" not in page
