"""Open-sharing evaluation (开放共享评价): per instrument the service hours, external hours, utilisation against
rated hours and the customers' rating after use — the figures of the national opening evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q, Sum

from kechuang.instruments.choices import BookingStatus
from kechuang.instruments.models import ServiceSettings

USED = (BookingStatus.USED, BookingStatus.SETTLED)


@dataclass
class Row:
    instrument: str
    instrument_id: int
    provider: str
    rated_hours: int
    used_hours: float
    external_hours: float
    utilisation: float  # percent of rated hours
    external_share: float  # percent of used hours
    rating: float | None
    ratings: int


def ranking(year: int) -> list[Row]:
    q = Q(instrument__bookings__status__in=USED, instrument__bookings__start__year=year)
    ext = q & ~Q(instrument__bookings__organisation_id=F("instrument__organisation_id"))
    qs = (ServiceSettings.objects.filter(bookable=True).select_related("instrument", "instrument__organisation")
          .annotate(used=Sum("instrument__bookings__charged_minutes", filter=q),
                    external=Sum("instrument__bookings__charged_minutes", filter=ext),
                    rating=Avg("instrument__bookings__rating", filter=q),
                    ratings=Count("instrument__bookings__rating", filter=q)))
    rows = []
    for s in qs:
        used, external = (s.used or 0) / 60, (s.external or 0) / 60
        rows.append(Row(s.instrument.name, s.instrument_id, s.instrument.organisation.name, s.rated_hours_per_year,
                        round(used, 1), round(external, 1),
                        round(100 * used / s.rated_hours_per_year, 1) if s.rated_hours_per_year else 0.0,
                        round(100 * external / used, 1) if used else 0.0,
                        round(s.rating, 1) if s.rating is not None else None, s.ratings))
    # Ranked by openness: external hours first, then utilisation.
    return sorted(rows, key=lambda r: (-r.external_hours, -r.utilisation, r.instrument))
