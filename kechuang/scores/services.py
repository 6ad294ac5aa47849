"""Every write of the scores app: model versions, scoring runs, flagged facts, consents, 授信/放款/承保."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kechuang.core.exceptions import ApplicationError
from kechuang.directory.choices import AccountStatus, OrganisationKind
from kechuang.directory.models import Organisation
from kechuang.scores import facts
from kechuang.scores.choices import ConsentStatus, FlagStatus, LoanKind
from kechuang.scores.models import (
    Consent,
    FactFlag,
    FinancialInstitution,
    Loan,
    ScoreModelVersion,
    ScoreResult,
    ScoreRun,
)
from kechuang.scores.workflow import CONSENT_WORKFLOW, FLAG_WORKFLOW
from kechuang.scoring import ModelLoadError, ScoreModel, default_model, evaluate_batch, model_from_dict
from kechuang.workflow.engine import transition


def _bureau(actor: Any) -> None:
    if not getattr(actor, "is_bureau", False):
        raise ApplicationError("仅科技局工作人员可以执行该操作")


@transaction.atomic
def active_model_version() -> ScoreModelVersion:
    """The version in use; the packaged national model becomes the first version when there is none."""
    mv = ScoreModelVersion.objects.filter(is_active=True).order_by("-id").first()
    if mv is None:
        m = default_model()
        mv, _ = ScoreModelVersion.objects.get_or_create(
            model_id=m.id, version=m.version,
            defaults={"name": m.name, "effective_from": m.effective_from, "definition": m.to_yaml_dict(),
                      "is_active": True, "note": "内置国家核心模型"})
        if not mv.is_active:
            mv.is_active = True
            mv.save(update_fields=["is_active"])
    return mv


def engine_model(mv: ScoreModelVersion) -> ScoreModel:
    return model_from_dict(mv.definition)


@transaction.atomic
def model_version_create(*, base: ScoreModelVersion, version: str, effective_from: dt.date,
                         weights: dict[str, dict[str, float]], note: str, actor: Any) -> ScoreModelVersion:
    """A new version with edited weights; the old version and every result scored with it stay unchanged."""
    _bureau(actor)
    version = version.strip()
    if not version:
        raise ApplicationError("请填写版本号", field="version")
    if ScoreModelVersion.objects.filter(model_id=base.model_id, version=version).exists():
        raise ApplicationError(f"版本号“{version}”已存在，请换一个", field="version")
    d = dict(base.definition)
    d["version"] = version
    d["effective_from"] = effective_from.isoformat()
    d["weights"] = {s: {**base.definition["weights"][s], **weights.get(s, {})} for s in base.definition["weights"]}
    try:
        m = model_from_dict(d)
    except ModelLoadError as e:
        raise ApplicationError(f"模型有误：{e.message}（{_field_label(base, e.field)}）", field="weights") from None
    ScoreModelVersion.objects.filter(is_active=True).update(is_active=False)
    return ScoreModelVersion.objects.create(model_id=m.id, version=m.version, name=m.name,
                                            effective_from=m.effective_from, definition=m.to_yaml_dict(),
                                            is_active=True, note=note.strip())


def _field_label(mv: ScoreModelVersion, field: str) -> str:
    m = engine_model(mv)
    if field.startswith("weights."):
        parts = field.split(".")
        stage = next((s.label for s in m.stages if s.id == parts[1]), parts[1])
        if len(parts) > 2:
            return f"{stage}·{m.indicator(parts[2]).name}"
        return f"{stage}权重合计"
    return field


def enterprises() -> Any:
    return Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, status=AccountStatus.APPROVED)


@transaction.atomic
def score_all(*, actor: Any, as_of: dt.date | None = None) -> ScoreRun:
    """Score every approved enterprise with the active model as one cohort; a new run, nothing overwritten."""
    if actor is not None:
        _bureau(actor)
    mv = active_model_version()
    model = engine_model(mv)
    day = as_of or timezone.localdate()
    orgs = list(enterprises().prefetch_related(*facts.PREFETCH).order_by("pk"))
    profiles = [facts.gather(o, day) for o in orgs]
    run = ScoreRun.objects.create(model_version=mv, as_of=day, enterprise_count=len(orgs))
    evs = evaluate_batch(profiles, model, day, what_if=True)
    ScoreResult.objects.bulk_create([
        ScoreResult(run=run, organisation=o, model_version=mv, total=Decimal(str(ev.total)), stage=ev.stage,
                    stage_label=ev.stage_label, tier=ev.tier, tier_label=ev.tier_label,
                    percentile=Decimal(str(ev.stage_position.percentile)), result=ev.to_dict(), profile=p.to_dict())
        for o, p, ev in zip(orgs, profiles, evs, strict=True)
    ])
    return run


@transaction.atomic
def fact_flag_raise(*, result: ScoreResult, fact: str, comment: str, actor: Any) -> FactFlag:
    if not (getattr(actor, "is_authenticated", False) and actor.organisation_id == result.organisation_id):
        raise ApplicationError("只有本企业的用户可以对积分数据提出异议")
    row = next((r for r in result.result["indicators"] if r["fact"] == fact), None)
    if row is None:
        raise ApplicationError("请选择积分中的一项指标", field="fact")
    if not comment.strip():
        raise ApplicationError("请说明哪里不对、正确的数值及依据", field="comment")
    if FactFlag.objects.filter(organisation=result.organisation, fact=fact, status=FlagStatus.OPEN).exists():
        raise ApplicationError(f"“{row['name']}”已有待处理的异议，请等待科技局处理", field="fact")
    return FactFlag.objects.create(organisation=result.organisation, result=result, fact=fact,
                                   fact_label=row["name"], comment=comment.strip())


@transaction.atomic
def fact_flag_resolve(*, flag: FactFlag, trigger: str, resolution: str, actor: Any) -> FactFlag:
    # The step's form takes 处理意见 and its effect stores it on the flag (no step-specific ``extra``).
    transition(flag, FLAG_WORKFLOW, trigger, actor=actor, comment=resolution.strip())
    return flag


@transaction.atomic
def consent_grant(*, organisation: Organisation, institution: FinancialInstitution, actor: Any) -> Consent:
    if not (getattr(actor, "is_authenticated", False) and actor.organisation_id == organisation.pk):
        raise ApplicationError("只有本企业的用户可以授权金融机构查看积分")
    if Consent.objects.filter(organisation=organisation, institution=institution,
                              status=ConsentStatus.ACTIVE).exists():
        raise ApplicationError(f"已授权{institution.name}查看积分", field="institution")
    return Consent.objects.create(organisation=organisation, institution=institution,
                                  granted_on=timezone.localdate())


@transaction.atomic
def consent_revoke(*, consent: Consent, actor: Any) -> Consent:
    transition(consent, CONSENT_WORKFLOW, "revoke", actor=actor, extra={"revoked_on": timezone.localdate()})
    return consent


@transaction.atomic
def loan_record(*, institution: FinancialInstitution, organisation: Organisation, kind: str, amount: Decimal,
                date: dt.date, product: str, actor: Any) -> Loan:
    if getattr(actor, "pk", None) is None or not institution.members.filter(pk=actor.pk).exists():
        raise ApplicationError("只有该金融机构的工作人员可以登记业务")
    if not Consent.objects.filter(organisation=organisation, institution=institution,
                                  status=ConsentStatus.ACTIVE).exists():
        raise ApplicationError("该企业未授权本机构查看积分，不能登记业务")
    if kind not in LoanKind.values:
        raise ApplicationError("请选择业务类型", field="kind")
    if amount is None or amount <= 0:
        raise ApplicationError("金额应大于0（万元）", field="amount")
    if not product.strip():
        raise ApplicationError("请填写产品名称", field="product")
    result = ScoreResult.objects.filter(organisation=organisation).order_by("-run_id").first()
    if result is None:
        raise ApplicationError("该企业尚无积分结果")
    return Loan.objects.create(institution=institution, organisation=organisation, result=result, kind=kind,
                               amount=amount, date=date, product=product.strip())
