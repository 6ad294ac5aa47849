"""Reads of technology contracts; every read takes the user and goes through ``restrict``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from kechuang.contracts import deadlines
from kechuang.contracts.choices import AWAITING_DECISION, COUNTED, Status
from kechuang.contracts.models import Contract, is_registrar
from kechuang.core.panels import Panel
from kechuang.workflow import clock

REGISTRAR_QUEUE = (*AWAITING_DECISION, Status.CHANGE_PENDING, Status.CANCEL_PENDING)


def visible(user: Any) -> QuerySet[Contract]:
    return Contract.objects.restrict(user, "view")


def mine(user: Any) -> QuerySet[Contract]:
    """The contracts the user's organisation sells or buys (registrars use the queue instead)."""
    org_id = getattr(user, "organisation_id", None)
    if org_id is None:
        return Contract.objects.none()
    return visible(user).filter(seller_organisation_id=org_id) | visible(user).filter(buyer_organisation_id=org_id)


def queue(user: Any) -> list[Contract]:
    """What waits for the registrar, by deadline (overdue first); change and cancellation requests follow."""
    rows = list(visible(user).filter(status__in=REGISTRAR_QUEUE).order_by("deadline_on", "accepted_on", "id")[:500])
    today = clock.today()
    for c in rows:
        c.remaining = remaining_days(c, today)  # type: ignore[attr-defined]
        c.overdue = c.remaining is not None and c.remaining < 0  # type: ignore[attr-defined]
    return sorted(rows, key=lambda c: (c.deadline_on is None, c.deadline_on or today, c.pk))


def remaining_days(contract: Contract, today: Any = None) -> int | None:
    """Working days left until the decision deadline (0 on the day itself, negative when overdue)."""
    if contract.status not in AWAITING_DECISION or contract.deadline_on is None:
        return None
    return deadlines.working_days_between(today or clock.today(), contract.deadline_on)


def workspace_panels(user: Any) -> list[Panel]:
    panels: list[Panel] = []
    if is_registrar(user):
        panels.append(Panel(title="待认定技术合同", url_name="contracts:queue",
                            count=Contract.objects.filter(status__in=REGISTRAR_QUEUE).count(), queue=True))
    if getattr(user, "organisation_id", None):
        panels.append(Panel(title="技术合同登记", url_name="contracts:mine", count=mine(user).count(),
                            template="contracts/_panel.html"))
    return panels


@dataclass(frozen=True)
class LinkedContracts:
    """Registered contracts an achievement or demand led to: the rows the user may open, and how many others."""

    rows: list[Contract]
    hidden: int

    @property
    def total(self) -> int:
        return len(self.rows) + self.hidden


def linked_to(user: Any, *, achievement: Any = None, demand: Any = None) -> LinkedContracts:
    """The registered (not cancelled) contracts that came from this achievement or demand — named on the contract
    itself (来源科技成果 / 来源技术需求) or reached through a deal (商洽) on it that links the contract.

    Disclosure follows the contracts' own rule: the parties and the registry see the contract (number, name,
    成交额, date, link); anyone else learns only how many there are — the public sees statistics, never a
    contract's parties or amounts."""
    if (achievement is None) == (demand is None):
        raise ValueError("exactly one of achievement, demand")
    field = "achievement" if achievement is not None else "demand"
    obj = achievement if achievement is not None else demand
    # The deals app keeps its contract link on the deal (``Deal.contract``, related name ``deals``).
    source = Q(**{field: obj}) | Q(**{f"deals__{field}": obj})
    linked = Contract.objects.filter(source, status__in=COUNTED)
    ids = set(linked.values_list("pk", flat=True))
    rows = list(visible(user).filter(pk__in=ids).order_by("-registered_on", "-id")) if ids else []
    return LinkedContracts(rows=rows, hidden=len(ids) - len(rows))
