"""Writes of the directory. Each service checks the actor's right through ``restrict(actor, 'change')`` (the
same rule the pages and API use), runs in one transaction and is audited through the model signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction

from kechuang.core import jobs
from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError
from kechuang.core.models import Job
from kechuang.core.permissions import permits
from kechuang.core.tabular import CellError, ImportReport, run_import
from kechuang.core.updates import check_fields, clean_or_raise, model_update
from kechuang.directory.choices import ContactRequestStatus
from kechuang.directory.models import (
    ContactRequest,
    IndustryChain,
    Instrument,
    Organisation,
    Person,
    Platform,
    YearlyFigure,
)

PROFILE_FIELDS = ("established_on", "business_scope", "introduction", "employees", "address", "website",
                  "contact_name", "contact_phone", "contact_email")


def _ensure_can_change(organisation: Organisation, actor: Any) -> None:
    if not permits(actor, "change", organisation):
        raise ApplicationError("您无权修改该机构的资料")


@transaction.atomic
def organisation_update_profile(*, organisation: Organisation, data: dict[str, Any],
                                industry_chains: list[IndustryChain] | None, actor: Any) -> Organisation:
    """Update the descriptive profile. Name, credit code, region and kind are registration facts that the
    bureau reviews, so they are not changed here."""
    _ensure_can_change(organisation, actor)
    check_fields(data, PROFILE_FIELDS)
    with acting_as(actor):
        for name, value in data.items():
            setattr(organisation, name, value)
        clean_or_raise(organisation, exclude=["credit_code"])
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


# --- The organisation's own people, platforms and instruments (workspace) ----------------------------------
# Fields a member may set; the owning organisation is never taken from input: it is the actor's own on create
# and stays as it is on update.
PERSON_FIELDS = ("name", "kind", "grade", "talent_programme", "title", "fields", "region_code", "bio", "phone",
                 "email", "contact_consent", "published")
PLATFORM_FIELDS = ("name", "kind", "level", "recognised_on", "fields", "description", "published")
INSTRUMENT_FIELDS = ("name", "model_number", "manufacturer", "category", "original_value_yuan", "location",
                     "sharing_terms", "fee", "contact_phone", "published")
RESOURCE_FIELDS: dict[type, tuple[str, ...]] = {Person: PERSON_FIELDS, Platform: PLATFORM_FIELDS,
                                                 Instrument: INSTRUMENT_FIELDS}

ResourceT = TypeVar("ResourceT", Person, Platform, Instrument)


def _check_fields(model: type, data: dict[str, Any]) -> None:
    check_fields(data, RESOURCE_FIELDS[model])


def _validated_save(obj: Any) -> None:
    clean_or_raise(obj)
    obj.save()


def _resource_create(model: type[ResourceT], *, organisation: Organisation, data: dict[str, Any],
                     actor: Any) -> ResourceT:
    _ensure_can_change(organisation, actor)
    _check_fields(model, data)
    with acting_as(actor):
        obj = model(organisation=organisation, **data)
        _validated_save(obj)
    return obj


def _resource_update(obj: ResourceT, *, data: dict[str, Any], actor: Any) -> ResourceT:
    model = type(obj)
    if not permits(actor, "change", obj):
        raise ApplicationError(f"您无权修改该{model._meta.verbose_name}")
    return model_update(obj, data, RESOURCE_FIELDS[model], actor)


def _resource_delete(obj: Any, *, actor: Any) -> None:
    model = type(obj)
    if not permits(actor, "delete", obj):
        raise ApplicationError(f"您无权删除该{model._meta.verbose_name}")
    with acting_as(actor):
        obj.delete()


@transaction.atomic
def person_create(*, organisation: Organisation, data: dict[str, Any], actor: Any) -> Person:
    return _resource_create(Person, organisation=organisation, data=data, actor=actor)


@transaction.atomic
def person_update(*, person: Person, data: dict[str, Any], actor: Any) -> Person:
    return _resource_update(person, data=data, actor=actor)


@transaction.atomic
def person_delete(*, person: Person, actor: Any) -> None:
    _resource_delete(person, actor=actor)


@transaction.atomic
def platform_create(*, organisation: Organisation, data: dict[str, Any],
                    industry_chains: list[IndustryChain] | None = None, actor: Any) -> Platform:
    platform = _resource_create(Platform, organisation=organisation, data=data, actor=actor)
    if industry_chains is not None:
        with acting_as(actor):
            platform.industry_chains.set(industry_chains)
    return platform


@transaction.atomic
def platform_update(*, platform: Platform, data: dict[str, Any],
                    industry_chains: list[IndustryChain] | None = None, actor: Any) -> Platform:
    platform = _resource_update(platform, data=data, actor=actor)
    if industry_chains is not None:
        with acting_as(actor):
            platform.industry_chains.set(industry_chains)
    return platform


@transaction.atomic
def platform_delete(*, platform: Platform, actor: Any) -> None:
    _resource_delete(platform, actor=actor)


@transaction.atomic
def instrument_create(*, organisation: Organisation, data: dict[str, Any], actor: Any) -> Instrument:
    return _resource_create(Instrument, organisation=organisation, data=data, actor=actor)


@transaction.atomic
def instrument_update(*, instrument: Instrument, data: dict[str, Any], actor: Any) -> Instrument:
    return _resource_update(instrument, data=data, actor=actor)


@transaction.atomic
def instrument_delete(*, instrument: Instrument, actor: Any) -> None:
    _resource_delete(instrument, actor=actor)


# The web import validates inside one request (the preview: reading stops one row past the limit, so an
# oversized file is refused at once); confirming a file of more than IMPORT_BACKGROUND_ROWS rows writes it in
# a background job with progress. Larger files go through the command line.
WEB_IMPORT_MAX_ROWS = 20_000
IMPORT_JOB = "directory.import"


def web_import_max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES_WEB", 10 * 1024 * 1024))


def import_background_rows() -> int:
    return int(getattr(settings, "IMPORT_BACKGROUND_ROWS", 5000))


def directory_import(*, entity: str, data: bytes, file_name: str, actor: Any, dry_run: bool,
                     merges: dict[int, Any] | None = None,
                     progress: Callable[[float, str], None] | None = None) -> ImportReport:
    """The staff web import: the same framework and rules as ``kechuang import``."""
    if not getattr(actor, "is_bureau", False):
        raise ApplicationError("仅科技局工作人员可以批量导入")
    try:
        return run_import(entity, data, file_name=file_name, dry_run=dry_run, actor=actor, merges=merges,
                          max_rows=WEB_IMPORT_MAX_ROWS, max_bytes=web_import_max_bytes(), progress=progress)
    except CellError as exc:
        raise ApplicationError(str(exc)) from exc


def directory_import_start_job(*, entity: str, path: str, file_name: str, actor: Any,
                               merges: dict[int, Any]) -> Job:
    """Confirm a large import: the write runs as a recorded job (progress on its page)."""
    if not getattr(actor, "is_bureau", False):
        raise ApplicationError("仅科技局工作人员可以批量导入")
    return jobs.enqueue(IMPORT_JOB, params={"entity": entity, "path": path, "file_name": file_name,
                                            "merges": {str(k): v for k, v in merges.items()}},
                        actor=actor, background=True)


def import_job(job: Job, progress: Callable[[float, str], None]) -> dict[str, Any]:
    """The job function (registered in apps.py): a plain function of (job, progress), as core.jobs expects."""
    from pathlib import Path

    params = job.params
    path = Path(params["path"])
    try:
        report = directory_import(entity=params["entity"], data=path.read_bytes(), file_name=params["file_name"],
                                  actor=job.created_by, dry_run=False,
                                  merges={int(k): v for k, v in params.get("merges", {}).items()},
                                  progress=progress)
    finally:
        path.unlink(missing_ok=True)  # written or refused, the upload is not needed again
    return {"written": report.written, "created": report.created, "merged": report.merged,
            "entity": report.entity, "label": report.label, "text": report.as_text(limit=200)[:20000]}


# --- Contact requests relayed by the platform (contacts.py says who sees what) -----------------------------

CONTACT_REQUESTS_PER_DAY = 20


@transaction.atomic
def contact_request_create(*, person: Person, message: str, actor: Any) -> ContactRequest:
    """Ask for a person's contact: the person's organisation (or the bureau) is told and decides."""
    from django.conf import settings
    from django.utils import timezone

    if not getattr(actor, "is_authenticated", False):
        raise ApplicationError("请先登录")
    if not permits(actor, "view", person):
        raise ApplicationError("该专家未公开")
    message = (message or "").strip()
    if not message:
        raise ApplicationError("请填写来意（您是谁、为什么联系）", field="message")
    if len(message) > 1000:
        raise ApplicationError(f"来意不能超过1000个字（当前{len(message)}个）", field="message")
    if ContactRequest.objects.filter(person=person, requester=actor, status=ContactRequestStatus.PENDING).exists():
        raise ApplicationError("您已向该专家发送过联系请求，请等待对方单位处理", field="message")
    limit = int(getattr(settings, "CONTACT_REQUESTS_PER_DAY", CONTACT_REQUESTS_PER_DAY))
    since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    if ContactRequest.objects.filter(requester=actor, created_at__gte=since).count() >= limit:
        raise ApplicationError(f"每天最多发送{limit}个联系请求，请明天再试", field="message")
    with acting_as(actor):
        request = ContactRequest.objects.create(person=person, requester=actor, message=message)
    recipients = contact_request_deciders(person)
    who = getattr(actor, "display_name", "") or actor.username
    org = getattr(actor, "organisation", None)
    text = f"{who}{f'（{org.name}）' if org else ''}请求联系{person.name}，请处理"
    transaction.on_commit(lambda: _notify(recipients, text, "/directory/workspace/contact-requests/"))
    return request


def contact_request_deciders(person: Person) -> list[Any]:
    """Who is told of a request and may decide it: the members of the person's organisation; for an
    independent expert, bureau staff."""
    from django.contrib.auth import get_user_model

    from kechuang.accounts.choices import BUREAU_ROLES

    users = get_user_model().objects.filter(is_active=True)
    if person.organisation_id:
        return list(users.filter(organisation_id=person.organisation_id))
    return list(users.filter(role__in=BUREAU_ROLES))


def _notify(recipients: list[Any], text: str, url: str) -> None:
    from kechuang.workflow.models import Notification

    Notification.objects.bulk_create([Notification(recipient=r, message=text[:300], url=url) for r in recipients])


@transaction.atomic
def contact_request_decide(*, request: ContactRequest, trigger: str, actor: Any, comment: str = "") -> ContactRequest:
    """同意 (grant) shows the requester the contact; 婉拒 (decline) does not. Through the workflow engine."""
    from kechuang.directory.workflow import CONTACT_REQUEST_WORKFLOW
    from kechuang.workflow.engine import transition

    with acting_as(actor):
        transition(request, CONTACT_REQUEST_WORKFLOW, trigger, actor=actor, comment=comment)
    return request
