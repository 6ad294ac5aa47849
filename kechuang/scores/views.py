"""Pages: the enterprise's score (每一分的来历, cohort position, what to improve, flag a fact, consents), the
bureau's ranking and distribution, flagged facts, model versions; the bank's consenting enterprises, export and
loans; the bureau's lending overview.

Who may see what: an enterprise's score page — its members and the bureau; the bank pages — members of a bank or
insurer, showing only enterprises that consent to it now (`selectors.consenting_results`, through `restrict`);
bureau pages check `is_bureau`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.core.exceptions import ApplicationError
from kechuang.core.updates import form_error
from kechuang.directory.models import Organisation
from kechuang.scores import selectors, services
from kechuang.scores.choices import ConsentStatus, FlagStatus, LoanKind
from kechuang.scores.forms import ConsentForm, FlagForm, LoanForm, ModelVersionForm, ResolveForm
from kechuang.scores.models import Consent, FactFlag, Loan, ScoreModelVersion


def _bureau_only(request: HttpRequest) -> None:
    if not getattr(request.user, "is_bureau", False):
        raise PermissionDenied("仅科技局工作人员可以访问该页面")


def _institution(request: HttpRequest) -> Any:
    inst = selectors.institution_of(request.user)
    if inst is None:
        raise PermissionDenied("仅合作银行、保险机构的工作人员可以访问该页面")
    return inst


def _error(request: HttpRequest, e: ApplicationError) -> None:
    messages.error(request, e.message if hasattr(e, "message") else str(e))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "is_bureau", False):
        return ranking(request)
    if selectors.institution_of(user) is not None:
        return bank_list(request)
    org_id = getattr(user, "organisation_id", None)
    if org_id:
        return enterprise_score(request, org_id)
    raise PermissionDenied("创新积分面向企业、合作金融机构和科技局工作人员")


def _score_context(result: Any) -> dict[str, Any]:
    r = result.result
    cats = {c["id"]: {**c, "rows": []} for c in r["categories"]}
    for row in r["indicators"]:
        cats[row["category"]]["rows"].append(row)
    return {"result": result, "r": r, "categories": list(cats.values()), "what_if": r.get("what_if", [])[:3]}


@login_required
def enterprise_score(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=org_pk)
    user = request.user
    is_member = getattr(user, "organisation_id", None) == org.pk
    if not (is_member or getattr(user, "is_bureau", False)):
        raise PermissionDenied("只有本企业用户和科技局工作人员可以查看该企业的积分明细")
    result = selectors.latest_result(user, org.pk)
    ctx: dict[str, Any] = {"org": org, "is_member": is_member, "result": None}
    if result is not None:
        ctx.update(_score_context(result))
        ctx["flag_form"] = FlagForm(indicators=result.result["indicators"])
    ctx["flags"] = FactFlag.objects.restrict(user, "view").filter(organisation=org)[:20]
    ctx["consents"] = Consent.objects.restrict(user, "view").filter(organisation=org).select_related("institution")
    ctx["consent_form"] = ConsentForm()
    ctx["history"] = selectors.history(user, org.pk)[:10]
    return render(request, "scores/enterprise.html", ctx)


@login_required
@require_POST
def flag_new(request: HttpRequest, org_pk: int) -> HttpResponse:
    result = selectors.latest_result(request.user, org_pk)
    if result is None or getattr(request.user, "organisation_id", None) != org_pk:
        raise Http404("没有可提出异议的积分结果")
    form = FlagForm(request.POST, indicators=result.result["indicators"])
    if form.is_valid():
        try:
            f = services.fact_flag_raise(result=result, fact=form.cleaned_data["fact"],
                                         comment=form.cleaned_data["comment"], actor=request.user)
            messages.success(request, f"已提交对“{f.fact_label}”的异议，科技局核实后会通知您。")
        except ApplicationError as e:
            _error(request, e)
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()))
    return redirect("scores:enterprise", org_pk=org_pk)


@login_required
@require_POST
def consent_new(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=org_pk)
    if getattr(request.user, "organisation_id", None) != org.pk:
        raise PermissionDenied("只有本企业用户可以授权金融机构查看积分")
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            c = services.consent_grant(organisation=org, institution=form.cleaned_data["institution"],
                                       actor=request.user)
            messages.success(request, f"已授权{c.institution.name}查看本企业的创新积分，可随时撤回。")
        except ApplicationError as e:
            _error(request, e)
    else:
        messages.error(request, "请选择要授权的银行或保险机构")
    return redirect("scores:enterprise", org_pk=org_pk)


@login_required
@require_POST
def consent_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.restrict(request.user, "view"), pk=pk)
    try:
        services.consent_revoke(consent=consent, actor=request.user)
        messages.success(request, f"已撤回对{consent.institution.name}的授权。")
    except ApplicationError as e:
        _error(request, e)
    return redirect("scores:enterprise", org_pk=consent.organisation_id)


@login_required
def flag_list(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    status = request.GET.get("status", FlagStatus.OPEN)
    qs = FactFlag.objects.select_related("organisation", "result")
    if status in FlagStatus.values:
        qs = qs.filter(status=status)
    return render(request, "scores/flag_list.html", {"flags": qs[:200], "status": status,
                                                     "statuses": FlagStatus.choices, "form": ResolveForm()})


@login_required
@require_POST
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    _bureau_only(request)
    flag = get_object_or_404(FactFlag, pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.fact_flag_resolve(flag=flag, trigger=form.cleaned_data["trigger"],
                                       resolution=form.cleaned_data["resolution"], actor=request.user)
            messages.success(request, f"已处理{flag.organisation.name}对“{flag.fact_label}”的异议。")
        except ApplicationError as e:
            _error(request, e)
    else:
        messages.error(request, "请选择处理结果并填写处理意见")
    return redirect("scores:flag_list")


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    run = selectors.latest_run()
    qs = selectors.latest_results(run)
    stage = request.GET.get("stage", "")
    tier = request.GET.get("tier", "")
    if stage:
        qs = qs.filter(stage=stage)
    if tier:
        qs = qs.filter(tier=tier)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "scores/ranking.html", {
        "run": run, "page": page, "dist": selectors.distribution(run), "stage": stage, "tier": tier,
        "stages": _stage_choices(run), "tiers": _tier_choices(run),
        "open_flags": FactFlag.objects.filter(status=FlagStatus.OPEN).count(),
    })


def _stage_choices(run: Any) -> list[tuple[str, str]]:
    d = run.model_version.definition if run else services.active_model_version().definition
    return [(s["id"], s["label"]) for s in d["stages"]]


def _tier_choices(run: Any) -> list[tuple[str, str]]:
    d = run.model_version.definition if run else services.active_model_version().definition
    return [(t["id"], t["label"]) for t in d["tiers"]]


@login_required
@require_POST
def run_scoring(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    try:
        run = services.score_all(actor=request.user)
        messages.success(request, f"已按“{run.model_version}”为{run.enterprise_count}家企业计算积分（新批次，"
                                  "以往结果保留不变）。")
    except ApplicationError as e:
        _error(request, e)
    return redirect("scores:ranking")


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    active = services.active_model_version()
    model = services.engine_model(active)
    rows = [{"ind": i, "cat": model.category(i.category).label,
             "weights": [model.weights[s][i.id] for s in model.stage_order],
             "how": i.scoring.describe(i.unit)} for i in model.indicators]
    return render(request, "scores/model_list.html", {
        "versions": ScoreModelVersion.objects.all(), "active": active, "model": model, "rows": rows,
        "stage_labels": [model.stage(s).label for s in model.stage_order],
    })


@login_required
def model_new(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    base = services.active_model_version()
    form = ModelVersionForm(request.POST or None, model_def=base.definition,
                            initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            mv = services.model_version_create(base=base, version=form.cleaned_data["version"],
                                               effective_from=form.cleaned_data["effective_from"],
                                               weights=form.weights(), note=form.cleaned_data["note"],
                                               actor=request.user)
            messages.success(request, f"已保存新版本“{mv}”。以往的积分结果不变；重新计算后新结果按新版本计分。")
            return redirect("scores:model_list")
        except ApplicationError as e:
            form.add_error(None, e.message)
    return render(request, "scores/model_form.html", {"form": form, "base": base})


def _bank_rows(request: HttpRequest) -> tuple[Any, Any, dict[str, str]]:
    inst = _institution(request)
    qs = selectors.consenting_results(request.user, inst)
    f = {k: request.GET.get(k, "").strip() for k in ("tier", "stage", "min_total", "q")}
    if f["tier"]:
        qs = qs.filter(tier=f["tier"])
    if f["stage"]:
        qs = qs.filter(stage=f["stage"])
    if f["min_total"]:
        try:
            qs = qs.filter(total__gte=Decimal(f["min_total"]))
        except ArithmeticError:
            messages.error(request, f"最低总分应为数字：{f['min_total']}")
    if f["q"]:
        qs = qs.filter(organisation__name__icontains=f["q"])
    return inst, qs, f


@login_required
def bank_list(request: HttpRequest) -> HttpResponse:
    inst, qs, f = _bank_rows(request)
    return render(request, "scores/bank_list.html", {
        "inst": inst, "page": Paginator(qs, 50).get_page(request.GET.get("page")), "f": f,
        "stages": _stage_choices(selectors.latest_run()), "tiers": _tier_choices(selectors.latest_run()),
        "loans": Loan.objects.restrict(request.user, "view").filter(institution=inst)
        .select_related("organisation")[:20],
    })


@login_required
def bank_export(request: HttpRequest) -> HttpResponse:
    import tablib

    inst, qs, _f = _bank_rows(request)
    data = tablib.Dataset(headers=["企业名称", "统一社会信用代码", "总分", "档次", "阶段", "同阶段百分位",
                                   "技术创新", "成长经营", "辅助", "模型版本", "评价日期", "提升建议"])
    for r in qs.select_related("run"):
        cats = {c["label"]: c["points"] for c in r.result["categories"]}
        hint = (r.result.get("what_if") or [{}])[0].get("text", "")
        data.append([r.organisation.name, r.organisation.credit_code, float(r.total), r.tier_label, r.stage_label,
                     float(r.percentile), cats.get("技术创新"), cats.get("成长经营"), cats.get("辅助"),
                     str(r.model_version), r.run.as_of.isoformat(), hint])
    resp = HttpResponse(data.export("xlsx"),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename=\"scores-{dt.date.today().isoformat()}.xlsx\""
    return resp


@login_required
def bank_enterprise(request: HttpRequest, org_pk: int) -> HttpResponse:
    inst, qs, _f = _bank_rows(request)
    result = qs.filter(organisation_id=org_pk).first()
    if result is None:  # not consenting to this institution: as if it did not exist
        raise Http404("该企业未授权本机构查看积分")
    form = LoanForm(request.POST or None, initial={"date": timezone.localdate(), "product": "科创积分贷"})
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_record(institution=inst, organisation=result.organisation, actor=request.user,
                                 **form.cleaned_data)
            kind = LoanKind(form.cleaned_data["kind"]).label
            messages.success(request, f"已登记{result.organisation.name}的{kind} {form.cleaned_data['amount']}万元。")
            return redirect("scores:bank_enterprise", org_pk=org_pk)
        except ApplicationError as e:
            form_error(form, e)
    ctx = {"inst": inst, "form": form, "org": result.organisation,
           "loans": Loan.objects.restrict(request.user, "view").filter(institution=inst, organisation_id=org_pk),
           **_score_context(result)}
    return render(request, "scores/bank_enterprise.html", ctx)


@login_required
def lending(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    return render(request, "scores/lending.html", {
        "data": selectors.lending(request.user),
        "consents": Consent.objects.filter(status=ConsentStatus.ACTIVE).count(),
    })
