"""Writes of the policy platform. Each service checks who may do it, then does it in one transaction.

Views, the API, the batch job and the demo call these and nothing else writes the models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kechuang.accounts.choices import BUREAU_ROLES
from kechuang.accounts.models import User
from kechuang.core.audit import acting_as
from kechuang.core.exceptions import ApplicationError
from kechuang.core.permissions import is_bureau, is_member_or_bureau
from kechuang.directory.choices import AccountStatus
from kechuang.directory.models import Organisation
from kechuang.policies import rules
from kechuang.policies.choices import (
    OPEN_APPLICATION_STATES,
    ApplicationStatus,
    Collection,
    ObjectionStatus,
    PushStatus,
)
from kechuang.policies.claims import check_claim, claim_limit, evaluation_snapshot  # noqa: F401 (re-exported for demo)
from kechuang.policies.models import Application, Budget, FactRecord, FactSheet, Objection, Push
from kechuang.policies.profiles import PREFETCH as PROFILE_PREFETCH
from kechuang.policies.profiles import SCALAR_FIELDS, build_profile
from kechuang.policies.profiles import SELECT as PROFILE_SELECT
from kechuang.policies.workflow import (
    APPLICATION_WORKFLOW,
    OBJECTION_WORKFLOW,
    PUSH_WORKFLOW,
    in_publicity,
    publicity_reason,
)
from kechuang.rules import Profile, ProfileError, evaluate_batch
from kechuang.rules.facts import COLLECTIONS, KINDS, PUBLIC_WELFARE_CLASSES
from kechuang.workflow import clock
from kechuang.workflow.engine import transition
from kechuang.workflow.models import Notification

# Members of the organisation and bureau staff; nobody else sees or edits its facts. (The name stays for callers
# on other branches; new code says is_member_or_bureau.)
can_act_for = is_member_or_bureau


def _require_member_or_bureau(user: Any, organisation: Organisation) -> None:
    if not is_member_or_bureau(user, organisation):
        raise ApplicationError("只有本机构成员或科技局工作人员可以办理")


def _require_bureau(user: Any) -> None:
    if not is_bureau(user):
        raise ApplicationError("仅科技局工作人员可以办理")


def today() -> dt.date:
    return clock.today()


# --- Facts -------------------------------------------------------------------------------------------------


@transaction.atomic
def factsheet_update(*, organisation: Organisation, data: dict[str, Any], actor: Any) -> FactSheet:
    """Save the organisation's own scalar facts. The audit log records every change (BaseModel signals)."""
    _require_member_or_bureau(actor, organisation)
    kind = data.get("kind") or ""
    if kind and kind not in KINDS:
        raise ApplicationError(f"主体类型“{kind}”无效", field="kind")
    pwc = data.get("public_welfare_class") or ""
    if pwc and pwc not in PUBLIC_WELFARE_CLASSES:
        raise ApplicationError(f"公益类别“{pwc}”无效", field="public_welfare_class")
    complete = [c for c in (data.get("complete_collections") or []) if c in COLLECTIONS]
    with acting_as(actor):
        sheet, _ = FactSheet.objects.get_or_create(organisation=organisation)
        sheet.kind = kind
        sheet.public_welfare_class = pwc
        for name in SCALAR_FIELDS:
            if name == "public_welfare_class":
                continue
            value = data.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise ApplicationError("金额不能为负数", field=name)
            setattr(sheet, name, value)
        sheet.complete_collections = sorted(set(complete))
        sheet.save()
    return sheet


def _validated_record(collection: str, type: str, date: dt.date, level: str,
                      values: dict[str, Any] | None) -> dict[str, Any]:
    """The record's extra fields, kept only where the collection has them, checked by the engine's own parser."""
    if collection not in Collection.values:
        raise ApplicationError("记录类别无效", field="collection")
    fields = COLLECTIONS[collection][2]
    clean = {k: v for k, v in (values or {}).items() if k in fields and v not in (None, "")
             and k not in ("type", "date", "level", "name", "note")}
    rec: dict[str, Any] = {"type": type, "date": date.isoformat(), **clean}
    if level:
        rec["level"] = level
    try:
        Profile.from_dict({collection: [rec]})
    except ProfileError as exc:
        field = exc.field.split(".")[-1] if "." in exc.field else "type"
        raise ApplicationError(exc.message, field=field) from None
    if date > today():
        raise ApplicationError("日期不能晚于今天", field="date")
    return clean


@transaction.atomic
def fact_record_add(*, organisation: Organisation, collection: str, type: str, date: dt.date, actor: Any,
                    level: str = "", values: dict[str, Any] | None = None, note: str = "") -> FactRecord:
    """Add one dated fact. It is validated by the engine itself, so nothing is stored that it would refuse."""
    _require_member_or_bureau(actor, organisation)
    clean = _validated_record(collection, type, date, level, values)
    with acting_as(actor):
        return FactRecord.objects.create(organisation=organisation, collection=collection, type=type,
                                         level=level, date=date, values=clean, note=note[:200])


@transaction.atomic
def fact_record_update(*, record: FactRecord, collection: str, type: str, date: dt.date, actor: Any,
                       level: str = "", values: dict[str, Any] | None = None, note: str = "") -> FactRecord:
    """Correct one dated fact: validated exactly like a new one, saved in place (the audit log keeps before/after)."""
    _require_member_or_bureau(actor, record.organisation)
    clean = _validated_record(collection, type, date, level, values)
    with acting_as(actor):
        record.collection, record.type, record.level, record.date = collection, type, level, date
        record.values, record.note = clean, note[:200]
        record.save()
    return record


@transaction.atomic
def fact_record_delete(*, record: FactRecord, actor: Any) -> None:
    _require_member_or_bureau(actor, record.organisation)
    with acting_as(actor):
        record.delete()


# --- 免申即享 batch --------------------------------------------------------------------------------------------

PUSH_JOB = "policies.push_batch"
BATCH_CHUNK = 500


def push_batch_job(job: Any, progress: Any) -> dict[str, Any]:
    """Evaluate every approved organisation and refresh the push list (one line per organisation × measure).

    Registered with kechuang.core.jobs, so each run is a recorded job with progress. Pending lines are refreshed
    with the new amount; lines staff have already decided (pushed, dismissed, applied) are left as decided.
    """
    as_of = dt.date.fromisoformat(job.params["as_of"]) if job.params.get("as_of") else today()
    org_ids = list(Organisation.objects.filter(status=AccountStatus.APPROVED).order_by("pk").values_list("pk", flat=True))
    total = len(org_ids)
    counts = {"organisations": total, "eligible": 0, "created": 0, "refreshed": 0, "kept": 0}
    errors: list[str] = []
    for start in range(0, total, BATCH_CHUNK):
        chunk = list(Organisation.objects.filter(pk__in=org_ids[start:start + BATCH_CHUNK]).order_by("pk")
                     .select_related(*PROFILE_SELECT).prefetch_related(*PROFILE_PREFETCH))
        profiles: list[Profile] = []
        orgs: list[tuple[Organisation, Any]] = []
        for org in chunk:
            try:
                data = build_profile(org, as_of=as_of)
                profiles.append(Profile.from_dict(data.profile))
                orgs.append((org, data))
            except ProfileError as exc:  # one bad record must not stop the run; it is reported instead
                errors.append(f"{org.name}：{exc}")
        lines: list[tuple[Organisation, Any, list[str]]] = []
        for (org, data), ev in zip(orgs, evaluate_batch(profiles, as_of), strict=True):
            for r in ev.results:
                if r.status != "eligible" or r.benefit != "grant" or not r.amount_max:
                    continue
                lines.append((org, r, data.self_declared(list(r.decided_by))))
        counts["eligible"] += len(lines)
        for key, n in _save_pushes(lines, as_of, job).items():
            counts[key] += n
        progress((start + len(chunk)) / max(total, 1), f"已评估 {start + len(chunk)} / {total} 家机构")
    return {**counts, "as_of": as_of.isoformat(), "errors": errors[:50]}


# Fields a re-run may change on a pending line; as_of, job and updated_at change on every refreshed line.
PUSH_CONTENT_FIELDS = ["measure_title", "clause", "amount_min", "amount_max", "trace", "payout_years",
                       "self_declared"]


@transaction.atomic
def _save_pushes(lines: list[tuple[Organisation, Any, list[str]]], as_of: dt.date, job: Any) -> dict[str, int]:
    """Write one chunk's push lines in bulk, in one transaction: one SELECT of the chunk's existing lines, one
    ``bulk_create`` for the new ones, one ``bulk_update`` for the pending lines whose content changed, and one plain
    UPDATE stamping every refreshed line with this run's date and job (a handful of statements per chunk instead
    of two or three per line). ``bulk_update`` builds a CASE per field and row and costs CPU, so lines whose
    content is unchanged — most of them on a re-run — skip it. Lines staff have decided (pushed, dismissed,
    applied) are kept as decided.

    Bulk writes send no ``save()`` signal, so pushes are not written to the audit log line by line; the job row
    (who started it, when, its counts) records the run, and every later decision on a line is audited."""
    if not lines:
        return {}
    existing = {(p.organisation_id, p.measure_id): p
                for p in Push.objects.filter(organisation_id__in={org.pk for org, _r, _d in lines})}
    now = timezone.now()
    new: list[Push] = []
    changed: list[Push] = []
    refreshed_ids: list[int] = []
    kept = 0
    for org, r, declared in lines:
        # Amounts per payout: a yearly measure is pushed, applied for and paid one year at a time.
        content = {"measure_title": r.title[:200], "clause": r.clause, "amount_min": r.amount_min,
                   "amount_max": r.amount_max, "trace": list(r.trace),
                   "payout_years": r.payout_years if r.payout_frequency == "yearly" else None,
                   "self_declared": declared}
        push = existing.get((org.pk, r.measure_id))
        if push is None:
            new.append(Push(organisation=org, measure_id=r.measure_id, as_of=as_of, job=job, **content))
        elif push.status != PushStatus.PENDING:
            kept += 1
        else:
            refreshed_ids.append(push.pk)
            if any(getattr(push, k) != v for k, v in content.items()):
                for k, v in content.items():
                    setattr(push, k, v)
                changed.append(push)
    Push.objects.bulk_create(new, batch_size=500)
    Push.objects.bulk_update(changed, PUSH_CONTENT_FIELDS, batch_size=100)
    for i in range(0, len(refreshed_ids), 500):
        Push.objects.filter(pk__in=refreshed_ids[i:i + 500]).update(as_of=as_of, job=job, updated_at=now)
    return {"created": len(new), "refreshed": len(refreshed_ids), "kept": kept}


def push_batch_start(*, actor: Any, as_of: dt.date | None = None, background: bool = True) -> Any:
    _require_bureau(actor)
    from kechuang.core import jobs

    params = {"as_of": as_of.isoformat()} if as_of else {}
    if background:
        return jobs.enqueue(PUSH_JOB, params=params, actor=actor, background=True)
    return jobs.run_now(PUSH_JOB, params=params, actor=actor)


@transaction.atomic
def push_review(*, push: Push, approve: bool, actor: Any, comment: str = "") -> Push:
    """Staff approve (push to the organisation: its members are notified) or dismiss one line — a step of
    ``PUSH_WORKFLOW``, so the guarded update, the log and the open-application condition apply."""
    _require_bureau(actor)
    push_transition(push=push, trigger="approve" if approve else "dismiss", actor=actor, data={"comment": comment})
    return push


def push_transition(*, push: Push, trigger: str, actor: Any, data: Any = None) -> Push:
    """One step of the push list (推送 / 忽略) from its page; 已转申报 happens only through ``application_submit``."""
    if push.status != PushStatus.PENDING and trigger in ("approve", "dismiss"):
        raise ApplicationError("该推送已被处理，请刷新后查看")
    transition(push, PUSH_WORKFLOW, trigger, actor=actor, data=data)
    return push


# --- Applications -------------------------------------------------------------------------------------------


def _duplicate_message(key: str) -> str:
    if key == rules.ONCE:
        return "该措施为一次性奖补，已有在办申报，请勿重复申报"
    return "本年度已有该措施的在办申报，请勿重复申报"


@transaction.atomic
def application_submit(*, organisation: Organisation, measure_id: str, amount_requested: int, actor: Any,
                       year: int | None = None, description: str = "", push: Push | None = None) -> Application:
    """申报: a member of the organisation applies for one measure; the engine's verdict is kept with it."""
    if getattr(actor, "organisation_id", None) != organisation.pk:
        raise ApplicationError("只有本机构成员可以申报")
    if organisation.status != AccountStatus.APPROVED:
        raise ApplicationError("机构账户通过审核后才能申报")
    measure = rules.measure_or_none(measure_id)
    if measure is None:
        raise ApplicationError("政策措施不存在", field="measure_id")
    if measure.benefit != "grant":
        raise ApplicationError("该措施不是资金奖补，无需申报兑现", field="measure_id")
    if not isinstance(amount_requested, int) or isinstance(amount_requested, bool) or amount_requested <= 0:
        raise ApplicationError("申请金额应为正整数（元）", field="amount_requested")
    year = year or today().year
    years = rules.application_years(measure)
    if isinstance(year, bool) or not isinstance(year, int) or year not in years:
        raise ApplicationError(f"申报年度应在政策有效期内（{years[0]}—{years[-1]}年），而不是“{year}”", field="year")
    key = rules.period_key(measure, year)
    if Application.objects.filter(organisation=organisation, measure_id=measure_id, period_key=key,
                                  status__in=OPEN_APPLICATION_STATES).exists():
        raise ApplicationError(_duplicate_message(key), field="measure_id")
    # The amount last: the year and the one-open rule are about the application itself, the amount about
    # this organisation's evaluation (whose message would otherwise hide theirs).
    claim = claim_limit(organisation, measure)
    check_claim(claim, amount_requested, description)
    if push is not None:
        if push.organisation_id != organisation.pk or push.measure_id != measure_id:
            raise ApplicationError("推送与申报不一致")
        if push.status != PushStatus.APPROVED:
            raise ApplicationError("该推送尚未推送或已转为申报")
    result = claim.snapshot
    with acting_as(actor):
        try:
            with transaction.atomic():
                app = Application.objects.create(
                    organisation=organisation, measure_id=measure_id, measure_title=measure.title[:200], year=year,
                    period_key=key,
                    amount_requested=amount_requested, description=description, push=push, submitted_by=actor,
                    evaluation=result,
                )
        except IntegrityError:  # a simultaneous submission won the unique constraint
            raise ApplicationError(_duplicate_message(key), field="measure_id") from None
    if push is not None:
        transition(push, PUSH_WORKFLOW, "apply", actor=actor, internal=True, comment=f"已转为申报 #{app.pk}")
    return app


def application_transition(*, application: Application, trigger: str, actor: Any, comment: str = "",
                           amount_approved: int | None = None, data: Any = None) -> Application:
    """Any page step of ``APPLICATION_WORKFLOW`` with its input (``data``: the step's form fields). What a step
    sets and does is in its row (核定金额, the budget and ledger of 兑现, the push given back on 撤回)."""
    given = dict(data.items()) if data is not None else {}
    if amount_approved is not None:
        given["amount_approved"] = amount_approved
    transition(application, APPLICATION_WORKFLOW, trigger, actor=actor, comment=comment, data=given)
    return application


def application_withdraw(*, application: Application, actor: Any, comment: str = "") -> Application:
    """撤回 by a member of the applying organisation (the workflow table says who and when)."""
    return application_transition(application=application, trigger="withdraw", actor=actor, comment=comment[:500])


@transaction.atomic
def application_pay(*, application: Application, actor: Any) -> Application:
    """兑现 (the step's own ``perform`` locks the budget and writes the ledger). The publicity check is said first,
    on the field it concerns, so the API can attach it there."""
    _require_bureau(actor)
    app = Application.objects.select_for_update().get(pk=application.pk)
    if app.status != ApplicationStatus.PUBLICISED:
        raise ApplicationError(f"当前状态“{app.get_status_display()}”下不能兑现，须先完成公示")
    reason = publicity_reason(app)
    if reason:
        raise ApplicationError(reason, field="publicity_ends_on")
    transition(app, APPLICATION_WORKFLOW, "pay", actor=actor)
    application.status = app.status
    return app


# --- 公示 and 异议 ---------------------------------------------------------------------------------------------

OBJECTION_DECISIONS = {"dismiss": "异议不成立，继续办理", "uphold_review": "异议成立，退回审核",
                       "uphold_reject": "异议成立，驳回申报"}


@transaction.atomic
def objection_raise(*, application: Application, content: str, actor: Any, contact: str = "",
                    today_: dt.date | None = None) -> Objection:
    """异议: anyone signed in may object to an application while it is in its 公示期 (both ends included)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ApplicationError("请先登录后再提出异议")
    app = Application.objects.select_for_update().get(pk=application.pk)
    if app.status != ApplicationStatus.PUBLICISED:
        raise ApplicationError(f"该申报当前状态为“{app.get_status_display()}”，不在公示中，不能提出异议")
    if not in_publicity(app, today_):
        raise ApplicationError("不在公示期内，不能提出异议", field="publicity_ends_on")
    content = (content or "").strip()
    if len(content) < 10:
        raise ApplicationError("异议内容不能少于10个字，请写明异议事实和理由", field="content")
    if len(content) > 2000:
        raise ApplicationError("异议内容不能超过2000字", field="content")
    if len(contact) > 100:
        raise ApplicationError("联系方式不能超过100字", field="contact")
    if Objection.objects.filter(application=app, raised_by=actor, status=ObjectionStatus.OPEN).exists():
        raise ApplicationError("您对该申报已有待处理的异议，请等待处理结果", field="content")
    with acting_as(actor):
        objection = Objection.objects.create(application=app, raised_by=actor, content=content,
                                             contact=contact.strip())
    staff = list(User.objects.filter(role__in=BUREAU_ROLES, is_active=True))
    text = f"公示异议：“{app.organisation.name} · {app.measure_title}”收到异议，请在兑现前处理"
    transaction.on_commit(lambda: Notification.objects.bulk_create(
        [Notification(recipient=u, message=text[:300], url=f"/policies/applications/{app.pk}/") for u in staff]))
    return objection


@transaction.atomic
def objection_resolve(*, objection: Objection, decision: str, actor: Any, comment: str = "") -> Objection:
    """Staff resolve one objection with a written opinion: 不成立 (the application continues in 公示), or 成立 with
    the application sent back to 受理 for a new 审核 (a later 公示 starts a new period) or 驳回 with the opinion as
    the reason. The objection's step moves the application itself (``OBJECTION_WORKFLOW``), in this transaction."""
    _require_bureau(actor)
    if decision not in OBJECTION_DECISIONS:
        raise ApplicationError(f"处理结果“{decision}”无效", field="decision")
    transition(objection, OBJECTION_WORKFLOW, decision, actor=actor, comment=comment)
    return objection


@transaction.atomic
def budget_set(*, measure_id: str, year: int, amount: int, actor: Any) -> Budget:
    _require_bureau(actor)
    if rules.measure_or_none(measure_id) is None:
        raise ApplicationError("政策措施不存在", field="measure_id")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ApplicationError("预算金额应为非负整数（元）", field="amount")
    with acting_as(actor):
        budget = Budget.objects.select_for_update().filter(measure_id=measure_id, year=year).first()
        if budget is None:
            return Budget.objects.create(measure_id=measure_id, year=year, amount=amount)
        if amount < budget.paid_total:
            raise ApplicationError(f"预算不能低于已兑现金额 {budget.paid_total:,} 元", field="amount")
        budget.amount = amount
        budget.save()
    return budget
