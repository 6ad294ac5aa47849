"""Locked budget ledgers: a row that holds an amount and a running total that only ``draw()`` makes grow.

Three apps pay money out of a budget the same way — policy payouts (``policies.Budget`` → ``Payout``),
challenge milestone releases (``challenges.Challenge`` → ``Release``) and 先用后补 subsidies
(``instruments.SubsidyScheme`` → ``SubsidyPayout``). Each keeps its own tables and its own CHECK constraint
``total <= limit`` (the database's last line, even for a code path that forgot the lock); what they share is here:

- ``LockedBudget``: an abstract model with no fields of its own (so no schema change): each budget names its limit
  and running-total fields, what runs short (预算, 财政支持额度) and the verb of a payout (兑现, 拨付, 兑付);
  ``remaining`` follows from them;
- ``draw()``: the one service every payout goes through.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from kechuang.core import audit
from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError
from kechuang.core.models import BaseModel

Amount = int | Decimal
B = TypeVar("B", bound="LockedBudget")
E = TypeVar("E", bound=models.Model)


class LockedBudget(BaseModel):
    """A budget whose running total grows only inside ``draw()``, under the row lock."""

    limit_field: ClassVar[str] = "amount"  # the budget (元)
    total_field: ClassVar[str] = "paid_total"  # what has been paid out of it (元)
    ledger_name: ClassVar[str] = "预算"  # what runs short: “预算不足”
    ledger_verb: ClassVar[str] = "兑现"  # “拒绝兑现”, “已兑现”, “本次需兑现”

    class Meta:
        abstract = True

    @property
    def limit(self) -> Any:
        return getattr(self, self.limit_field)

    @property
    def spent(self) -> Any:
        return getattr(self, self.total_field)

    @property
    def remaining(self) -> Any:
        return self.limit - self.spent

    def ledger_label(self) -> str:
        """How a refusal names this budget before its amount (“2026年先用后补方案预算 …元”)."""
        return f"{self}{self.ledger_name}"

    def shortage(self, amount: Amount, label: str | None = None) -> str:
        """The one refusal of a payout that would pass the budget, in Chinese."""
        verb = self.ledger_verb
        return (f"{self.ledger_name}不足，拒绝{verb}：{label or self.ledger_label()} {self.limit:,} 元，"
                f"已{verb} {self.spent:,} 元，剩余 {self.remaining:,} 元，本次需{verb} {amount:,} 元。")


def _entry_fk(entry: type[models.Model], budget: type[models.Model]) -> str:
    names = [f.name for f in entry._meta.concrete_fields
             if isinstance(f, models.ForeignKey) and f.related_model is budget]
    if len(names) != 1:
        raise TypeError(f"{entry.__name__} needs exactly one foreign key to {budget.__name__}")
    return names[0]


def _plain(value: Amount) -> Any:
    return str(value) if isinstance(value, Decimal) else value


@transaction.atomic
def draw(model: type[B], *, where: models.Q | Mapping[str, Any], amount: Amount | Callable[[B], Amount],
         entry: type[E], paid_for: Mapping[str, models.Model], actor: Any, actor_field: str = "paid_by",
         label: str | None = None, missing: str = "") -> E:
    """Pay ``amount`` out of the budget row of ``model`` that ``where`` finds; write the ledger ``entry`` row for
    ``paid_for`` (``{"application": app}``) with ``actor`` in its ``actor_field``. The caller checks permission
    and what is being paid for.

    1. Lock the budget row (``select_for_update``): on PostgreSQL a second payout waits here until the first
       commits and then sees its total; on SQLite the IMMEDIATE transaction (settings) serialises them the same way.
       No row: ``ApplicationError(missing)``.
    2. ``amount`` may be a function of the locked row (a milestone's share of the challenge's support).
    3. Refuse a payout that would pass the budget, with one message (``LockedBudget.shortage``).
    4. Add to the running total with an ``F()`` update; ``.update()`` sends no signal, so the change is written to
       the audit log here: ``{"paid_total": [old, new], "application": pk}``.
    5. Create the ledger row (its foreign key to the budget is found on ``entry``), recorded as the actor's.
    """
    q = where if isinstance(where, models.Q) else models.Q(**where)
    budget = model._default_manager.select_for_update().filter(q).first()
    if budget is None:
        raise ApplicationError(missing or f"{model._meta.verbose_name}不存在")
    value = amount(budget) if callable(amount) else amount
    if value > budget.remaining:
        raise ApplicationError(budget.shortage(value, label))
    total = model.total_field
    model._default_manager.filter(pk=budget.pk).update(**{total: F(total) + value, "updated_at": timezone.now()})
    audit.record(action="update", instance=budget, actor=actor,
                 changes={total: [_plain(budget.spent), _plain(budget.spent + value)],
                          **{k: v.pk for k, v in paid_for.items()}})
    fields = {_entry_fk(entry, model): budget, "amount": value, **paid_for, actor_field: actor}
    with acting_as(actor):
        return entry._default_manager.create(**fields)
