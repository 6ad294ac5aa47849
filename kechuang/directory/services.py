"""Writes of the directory. Each service checks the actor's right through ``restrict(actor, 'change')`` (the
same rule the pages and API use), runs in one transaction and is audited through the model signals."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError
from kechuang.directory.importing import CellError, ImportReport, run_import
from kechuang.directory.models import IndustryChain, Organisation, YearlyFigure

PROFILE_FIELDS = ("established_on", "business_scope", "introduction", "employees", "address", "website",
                  "contact_name", "contact_phone", "contact_email")


def _ensure_can_change(organisation: Organisation, actor: Any) -> None:
    if not Organisation.objects.restrict(actor, "change").filter(pk=organisation.pk).exists():
        raise ApplicationError("您无权修改该机构的资料")


@transaction.atomic
def organisation_update_profile(*, organisation: Organisation, data: dict[str, Any],
                                industry_chains: list[IndustryChain] | None, actor: Any) -> Organisation:
    """Update the descriptive profile. Name, credit code, region and kind are registration facts that the
    bureau reviews, so they are not changed here."""
    _ensure_can_change(organisation, actor)
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ApplicationError(f"不可修改的字段：{'、'.join(sorted(unknown))}")
    with acting_as(actor):
        for name, value in data.items():
            setattr(organisation, name, value)
        try:
            organisation.full_clean(exclude=["credit_code"])
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise ApplicationError(messages[0], field=field) from exc
        if industry_chains is not None:
            organisation.industry_chains.set(industry_chains)
        organisation.save()  # after the chains, so that search_text includes them
    return organisation


@transaction.atomic
def yearly_figure_save(*, organisation: Organisation, year: int, revenue_yuan: int | None,
                       rnd_expense_yuan: int | None, rnd_staff: int | None, actor: Any) -> YearlyFigure:
    _ensure_can_change(organisation, actor)
    if rnd_expense_yuan is not None and revenue_yuan and rnd_expense_yuan > revenue_yuan * 10:
        raise ApplicationError("研发费用明显大于营业收入，请检查单位（应填写“元”）", field="rnd_expense_yuan")
    with acting_as(actor):
        figure = YearlyFigure.objects.filter(organisation=organisation, year=year).first() or YearlyFigure(
            organisation=organisation, year=year)
        figure.revenue_yuan, figure.rnd_expense_yuan, figure.rnd_staff = revenue_yuan, rnd_expense_yuan, rnd_staff
        figure.save()
    return figure


# The web import validates (and writes) inside one request; 20,000 rows take a few seconds, well inside the
# worker timeout. Larger files go through the command line, which has no limit.
WEB_IMPORT_MAX_ROWS = 20_000


def directory_import(*, entity: str, data: bytes, file_name: str, actor: Any, dry_run: bool,
                     merges: dict[int, Any] | None = None) -> ImportReport:
    """The staff web import: the same framework and rules as ``kechuang import``."""
    if not getattr(actor, "is_bureau", False):
        raise ApplicationError("仅科技局工作人员可以批量导入")
    try:
        return run_import(entity, data, file_name=file_name, dry_run=dry_run, actor=actor, merges=merges,
                          max_rows=WEB_IMPORT_MAX_ROWS)
    except CellError as exc:
        raise ApplicationError(str(exc)) from exc
