from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    name = "kechuang.instruments"
    label = "instruments"
    verbose_name = "仪器共享"

    def workspace_panels(self, user: Any) -> list[dict[str, Any]]:
        from kechuang.instruments.choices import BookingStatus
        from kechuang.instruments.models import Booking

        panels: list[dict[str, Any]] = []
        org_id = getattr(user, "organisation_id", None)
        if org_id:
            panels.append({"title": "待审批的仪器预约", "queue": True, "url": "/instruments/queue/",
                           "count": Booking.objects.filter(instrument__organisation_id=org_id,
                                                           status=BookingStatus.PENDING).count()})
            panels.append({"title": "我的仪器预约", "queue": False, "url": "/instruments/mine/",
                           "count": Booking.objects.filter(organisation_id=org_id).count()})
        return panels
