"""Pages: policy library, measure detail, 政策计算器, applications, 免申即享 push list, budgets.

Views parse input, call one service or selector, render. Who may see what is decided by ``is_member_or_bureau`` (an
organisation's calculator) and ``restrict`` (applications, pushes); staff pages check ``is_bureau``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kechuang.core.exceptions import ApplicationError
from kechuang.core.models import Job
from kechuang.core.permissions import get_restricted_or_404, is_member, is_member_or_bureau
from kechuang.core.redirects import redirect_next
from kechuang.core.updates import form_error
from kechuang.directory.models import Organisation
from kechuang.policies import claims, rules, selectors, services
from kechuang.policies.choices import ApplicationStatus, PushStatus
from kechuang.policies.forms import (
    ApplicationForm,
    BudgetForm,
    FactRecordForm,
    FactSheetForm,
    ObjectionForm,
)
from kechuang.policies.models import Application, Budget, FactRecord, FactSheet, Objection, Push
from kechuang.policies.profiles import yearly_figures
from kechuang.policies.workflow import (
    APPLICATION_WORKFLOW,
    OBJECTION_WORKFLOW,
    PUSH_WORKFLOW,
    in_publicity,
)
from kechuang.rules import describe


def _bureau_only(request: HttpRequest) -> None:
    if not getattr(request.user, "is_bureau", False):
        raise PermissionDenied("仅科技局工作人员可以访问该页面")


def _organisation_for(request: HttpRequest, org_pk: int) -> Organisation:
    org = get_object_or_404(Organisation, pk=org_pk)
    if not is_member_or_bureau(request.user, org):
        raise PermissionDenied("只有本机构成员或科技局工作人员可以查看该机构的政策计算器")
    return org


# --- Library ------------------------------------------------------------------------------------------------


def library(request: HttpRequest) -> HttpResponse:
    rs = rules.ruleset()
    q = request.GET.get("q", "").strip()
    policies = []
    for p in rs.policies:
        ms = [m for m in p.measures if not q or q in m.title or q in m.clause_text]
        if ms:
            policies.append({"policy": p, "measures": [{"m": m, "amount": rules.amount_summary(m)} for m in ms]})
    return render(request, "policies/library.html", {"policies": policies, "q": q,
                                                     "measure_count": len(rs.measures)})


def measure_detail(request: HttpRequest, measure_id: str) -> HttpResponse:
    m = rules.measure_or_none(measure_id)
    if m is None:
        raise Http404("政策措施不存在")
    user: Any = request.user
    budgets = list(Budget.objects.filter(measure_id=m.id)) if getattr(user, "is_bureau", False) else []
    policy = rules.policy_of(m)
    return render(request, "policies/measure_detail.html", {
        "m": m, "policy": policy, "amount": rules.amount_summary(m), "budgets": budgets,
        "number": describe.measure_number(policy, m), "conditions": describe.conditions(m, services.today()),
        "materials": describe.materials(m), "versions": m.versions,
        "can_apply": bool(getattr(user, "organisation_id", None)) and m.benefit == "grant",
        "max_total": rules.max_total(m), "max_per_payout": rules.max_per_payout(m),
    })


# --- 政策计算器 ----------------------------------------------------------------------------------------------


def calculator_home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_authenticated:
        # Not a silent redirect: say what the calculator does and why it needs the organisation's account.
        return render(request, "policies/calculator_intro.html", {"measure_count": len(rules.measures())})
    if user.organisation_id and not user.is_bureau:
        # Members get their own organisation's calculator at the short address (no redirect to follow).
        return calculator(request, org_pk=user.organisation_id)
    if not user.is_bureau:
        raise PermissionDenied("政策计算器供机构用户使用：请先以机构账户登录")
    q = request.GET.get("q", "").strip()
    orgs = Organisation.objects.order_by("name")
    if q:
        orgs = orgs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
    page = Paginator(orgs, 30).get_page(request.GET.get("page"))
    return render(request, "policies/calculator_choose.html", {"page": page, "q": q})


@login_required
def calculator(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = _organisation_for(request, org_pk)
    # ?as_of=YYYY-MM-DD evaluates on another day (e.g. before a recognition expires); default today.
    try:
        as_of = dt.date.fromisoformat(request.GET["as_of"]) if request.GET.get("as_of") else None
    except ValueError:
        as_of = None
        messages.error(request, "评估日期格式应为 YYYY-MM-DD，已按今天计算。")
    calc = selectors.calculate(org, as_of=as_of)
    sheet = FactSheet.objects.filter(organisation=org).first()
    pushes = Push.objects.filter(organisation=org, status=PushStatus.APPROVED)
    return render(request, "policies/calculator.html", {
        "org": org, "calc": calc, "sheet_form": FactSheetForm.for_sheet(sheet),
        "record_form": FactRecordForm(auto_id="rec_%s"),  # both forms have a "kind" field: ids must differ
        "pushes": pushes, "is_member": is_member(request.user, org),
        "figures": yearly_figures(org), "applied": selectors.applications_by_measure(org),
    })


@login_required
@require_POST
def calculator_facts(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = _organisation_for(request, org_pk)
    form = FactSheetForm(request.POST)
    if form.is_valid():
        try:
            services.factsheet_update(organisation=org, data=form.cleaned_data, actor=request.user)
            messages.success(request, "已保存，计算结果已更新。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()))
    return redirect("policies:calculator", org_pk=org.pk)


@login_required
@require_POST
def calculator_record_add(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = _organisation_for(request, org_pk)
    form = FactRecordForm(request.POST)
    if form.is_valid():
        try:
            services.fact_record_add(organisation=org, actor=request.user, **form.cleaned_record())
            messages.success(request, "已添加记录，计算结果已更新。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "；".join(
            f"{form.fields[k].label if k in form.fields else ''}：{v[0]}" for k, v in form.errors.items()))
    return redirect("policies:calculator", org_pk=org.pk)


@login_required
def calculator_record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_restricted_or_404(FactRecord, request.user, "change", pk=pk)
    initial = {"kind": f"{record.collection}:{record.type}", "level": record.level, "date": record.date,
               "note": record.note, **record.values}
    for name in ("meets_guideline",):
        if name in initial:
            initial[name] = "true" if initial[name] else "false"
    form = FactRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.fact_record_update(record=record, actor=request.user, **form.cleaned_record())
            messages.success(request, "已修改记录，计算结果已更新。")
            return redirect("policies:calculator", org_pk=record.organisation_id)
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "policies/record_form.html", {"form": form, "record": record})


@login_required
@require_POST
def calculator_record_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_restricted_or_404(FactRecord, request.user, "change", pk=pk)
    org_pk = record.organisation_id
    try:
        services.fact_record_delete(record=record, actor=request.user)
        messages.success(request, "已删除记录。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("policies:calculator", org_pk=org_pk)


# --- Applications ---------------------------------------------------------------------------------------------


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    apps = selectors.applications_for(request.user)
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        apps = apps.filter(status=status)
    page = Paginator(apps, 30).get_page(request.GET.get("page"))
    return render(request, "policies/application_list.html", {
        "page": page, "status": status, "statuses": ApplicationStatus.choices,
        "is_bureau": getattr(request.user, "is_bureau", False),
    })


@login_required
def application_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.organisation_id:
        raise PermissionDenied("只有机构用户可以申报")
    initial: dict[str, Any] = {"measure_id": request.POST.get("measure_id") or request.GET.get("measure", "")}
    m = rules.measure_or_none(initial["measure_id"])
    # Pre-filled from THIS organisation's evaluation (a 市级 centre's 10万元, not the measure's top tier).
    claim = claims.claim_limit(user.organisation, m) if m is not None else None
    if claim is not None and claim.suggested:
        initial["amount_requested"] = claim.suggested
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            app = services.application_submit(organisation=user.organisation, measure_id=d["measure_id"],
                                              amount_requested=d["amount_requested"],
                                              description=d.get("description", ""), actor=user)
            messages.success(request, "已提交申报，请等待科技局受理。")
            return redirect("policies:application_detail", pk=app.pk)
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "policies/application_form.html", {"form": form, "measure": m, "claim": claim})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    is_bureau = getattr(request.user, "is_bureau", False)
    budget = Budget.objects.filter(measure_id=app.measure_id, year=app.year).first() if is_bureau else None
    # Staff see every objection with the objector and its own actions; the applicant sees how many there are.
    objections = list(app.objections.select_related("raised_by", "resolved_by"))
    return render(request, "policies/application_detail.html", {
        "app": app, "workflow": APPLICATION_WORKFLOW, "objection_workflow": OBJECTION_WORKFLOW, "budget": budget,
        "measure": rules.measure_or_none(app.measure_id), "is_bureau": is_bureau,
        "objections": objections, "open_objections": sum(o.status == "open" for o in objections),
        "steps": [(v, lbl) for v, lbl in ApplicationStatus.choices
                  if v not in (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)],
    })


@login_required
@require_POST
def application_transition(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    trigger = request.POST.get("trigger", "")
    try:
        services.application_transition(application=app, trigger=trigger, actor=request.user, data=request.POST)
        messages.success(request, f"已办理：{APPLICATION_WORKFLOW.label_of(trigger)}，当前状态为{app.get_status_display()}")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("policies:application_detail", pk=app.pk)


# --- 免申即享 ---------------------------------------------------------------------------------------------------


@login_required
def push_list(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    status = request.GET.get("status", PushStatus.PENDING)
    pushes = Push.objects.select_related("organisation").order_by("organisation__name", "measure_id")
    if status in PushStatus.values:
        pushes = pushes.filter(status=status)
    page = Paginator(pushes, 50).get_page(request.GET.get("page"))
    jobs = Job.objects.filter(kind=services.PUSH_JOB)[:5]
    return render(request, "policies/push_list.html", {"page": page, "status": status, "workflow": PUSH_WORKFLOW,
                                                       "statuses": PushStatus.choices, "jobs": jobs})


@login_required
@require_POST
def push_run(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    job = services.push_batch_start(actor=request.user, background=True)
    messages.success(request, f"免申即享批量计算已开始（任务 #{job.pk}），完成后刷新本页查看推送清单。")
    return redirect("policies:push_list")


@login_required
@require_POST
def push_review(request: HttpRequest, pk: int) -> HttpResponse:
    _bureau_only(request)
    push = get_object_or_404(Push, pk=pk)
    # The step's form posts ``trigger``; ``decision=approve|dismiss`` is the older spelling, still accepted.
    trigger = request.POST.get("trigger") or ("approve" if request.POST.get("decision") == "approve" else "dismiss")
    try:
        services.push_transition(push=push, trigger=trigger, actor=request.user, data=request.POST)
        messages.success(request, f"已处理：{push.organisation} · {push.measure_title}（{push.get_status_display()}）")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect_next(request, "policies:push_list")


@login_required
@require_POST
def push_bulk_review(request: HttpRequest) -> HttpResponse:
    """Decide many lines at once (a batch can yield hundreds); each still goes through push_review one by one,
    so notifications, the audit log and the "already decided" check apply to every line."""
    _bureau_only(request)
    approve = request.POST.get("decision") == "approve"
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    done, refused = 0, 0
    for push in Push.objects.filter(pk__in=ids, status=PushStatus.PENDING):
        try:
            services.push_review(push=push, approve=approve, actor=request.user)
            done += 1
        except ApplicationError:
            refused += 1
    refused += len(ids) - done - refused
    messages.success(request, f"已{'推送' if approve else '忽略'} {done} 条" + (f"，{refused} 条已被处理或不存在" if refused else ""))
    return redirect_next(request, "policies:push_list")


@login_required
@require_POST
def push_apply(request: HttpRequest, pk: int) -> HttpResponse:
    push = get_object_or_404(selectors.pushes_for(request.user), pk=pk)
    try:
        app = services.application_submit(
            organisation=push.organisation, measure_id=push.measure_id, push=push, actor=request.user,
            amount_requested=push.amount_max or 0, description="由免申即享推送一键申报")
        messages.success(request, "已提交申报。")
        return redirect("policies:application_detail", pk=app.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("policies:calculator", org_pk=push.organisation_id)


# --- Budgets ------------------------------------------------------------------------------------------------------


@login_required
def budget_list(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    year = request.GET.get("year", "")
    year_i = int(year) if year.isdigit() else services.today().year
    form = BudgetForm(request.POST or None, initial={"year": year_i})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.budget_set(measure_id=d["measure_id"], year=d["year"], amount=d["amount"], actor=request.user)
            messages.success(request, "预算已保存。")
            return redirect(f"{request.path}?year={d['year']}")
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "policies/budget_list.html", {
        "rows": selectors.budgets_with_measures(year_i), "year": year_i, "form": form})


# --- 公示 and 异议 ---------------------------------------------------------------------------------------------------


def _in_publicity() -> Any:
    return (Application.objects.filter(status=ApplicationStatus.PUBLICISED).select_related("organisation")
            .order_by("publicity_ends_on", "id"))


def publicity_list(request: HttpRequest) -> HttpResponse:
    """Public 公示 list: organisation, measure, approved amount and the period. Nothing private (no applicant,
    description, evaluation or objection) is read into the page."""
    apps = _in_publicity().only("id", "organisation__name", "measure_id", "measure_title", "year",
                                "amount_approved", "status", "publicity_starts_on", "publicity_ends_on")
    page = Paginator(apps, 50).get_page(request.GET.get("page"))
    rows = [{"app": a, "clause": getattr(rules.measure_or_none(a.measure_id), "clause", ""),
             "open": in_publicity(a)} for a in page]
    return render(request, "policies/publicity_list.html", {"page": page, "rows": rows,
                                                            "today": services.today()})


@login_required
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(_in_publicity(), pk=pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.objection_raise(application=app, content=d["content"], contact=d.get("contact") or "",
                                     actor=request.user)
            messages.success(request, "异议已提交，科技局将在兑现前核实处理，处理结果将通知您。")
            return redirect("policies:publicity_list")
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "policies/objection_form.html", {
        "form": form, "app": app, "clause": getattr(rules.measure_or_none(app.measure_id), "clause", ""),
        "open": in_publicity(app)})


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    _bureau_only(request)
    objection = get_object_or_404(Objection, pk=pk)
    # The step's form posts ``trigger``; ``decision`` is the older spelling, still accepted.
    decision = request.POST.get("trigger") or request.POST.get("decision", "")
    try:
        services.objection_resolve(objection=objection, decision=decision,
                                   comment=request.POST.get("comment", ""), actor=request.user)
        messages.success(request, f"异议已处理：{objection.get_status_display()}")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("policies:application_detail", pk=objection.application_id)
