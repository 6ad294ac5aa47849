from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    name = "kechuang.instruments"
    label = "instruments"
    verbose_name = "仪器共享"

    def workspace_panels(self, user: Any) -> list[Any]:
        from kechuang.core.panels import Panel
        from kechuang.instruments.choices import BookingStatus
        from kechuang.instruments.models import Booking

        org_id = getattr(user, "organisation_id", None)
        if not org_id:
            return []
        return [
            Panel("待审批的仪器预约", "instruments:queue", queue=True,
                  count=Booking.objects.filter(instrument__organisation_id=org_id,
                                               status=BookingStatus.PENDING).count()),
            Panel("我的仪器预约", "instruments:mine", count=Booking.objects.filter(organisation_id=org_id).count()),
        ]
