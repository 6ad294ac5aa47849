from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kechuang.deals.choices import RegistrationStatus
from kechuang.deals.models import BidderRegistration, TradeListing
from kechuang.market.choices import Status
from kechuang.market.tests.factories import AchievementFactory, DemandFactory


def published_pair(enterprise_org: Any, university_org: Any) -> tuple[Any, Any]:
    demand = DemandFactory(organisation=enterprise_org, status=Status.PUBLISHED, industry="")
    achievement = AchievementFactory(owner=university_org, status=Status.PUBLISHED)
    return demand, achievement


def open_listing(owner: Any, *, minutes: int = 60, extension: int = 5, **kwargs: Any) -> TradeListing:
    now = timezone.now()
    achievement = AchievementFactory(owner=owner, status=Status.PUBLISHED)
    values = {"achievement": achievement, "reserve_price": 100_000, "deposit": 10_000, "step": 5_000,
              "starts_at": now - dt.timedelta(minutes=5), "ends_at": now + dt.timedelta(minutes=minutes),
              "extension_minutes": extension, "status": "open"}
    return TradeListing.objects.create(**{**values, **kwargs})


def approved(listing: TradeListing, user: Any) -> BidderRegistration:
    return BidderRegistration.objects.create(listing=listing, organisation=user.organisation, user=user,
                                             status=RegistrationStatus.APPROVED)
