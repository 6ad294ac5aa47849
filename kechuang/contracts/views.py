"""Pages of technology-contract registration: the seller's workspace, the registrar's desk and the public
statistics. Views parse input, call one service or selector, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.contracts import selectors, services, stats
from kechuang.contracts.benefits import benefits_for
from kechuang.contracts.checks import precheck
from kechuang.contracts.choices import COUNTED, Status
from kechuang.contracts.forms import (
    CancelForm,
    ChangeForm,
    ContractForm,
    CorrectionAnswerForm,
    DecisionForm,
    ObjectionForm,
)
from kechuang.contracts.models import Contract, is_registrar
from kechuang.contracts.workflow import seller_member
from kechuang.core.exceptions import ApplicationError
from kechuang.core.updates import form_error
from kechuang.workflow import clock
from kechuang.workflow.engine import history

STATUS_LABELS = dict(Status.choices)


def _require_registrar(request: HttpRequest) -> None:
    if not is_registrar(request.user):
        raise PermissionDenied("仅技术合同登记员可以办理")


def _visible(request: HttpRequest, pk: int) -> Contract:
    return get_object_or_404(selectors.visible(request.user), pk=pk)


def _form_error(form: Any, exc: ApplicationError) -> None:
    form_error(form, exc)


# --------------------------------------------------------------------------- the seller's side
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "organisation_id", None) is None:
        if is_registrar(request.user):
            return redirect("contracts:queue")
        raise PermissionDenied("您的账户未关联机构：技术合同由合同当事人的机构申报和查看")
    qs = selectors.mine(request.user).order_by("-updated_at")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    today = clock.today()
    for c in page:
        c.remaining = selectors.remaining_days(c, today)  # type: ignore[attr-defined]
    return render(request, "contracts/mine.html", {"page": page})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    org = getattr(request.user, "organisation", None)
    if org is None:
        raise PermissionDenied("您的账户未关联机构：技术合同由卖方机构申报登记")
    form = ContractForm(request.POST or None, request.FILES or None, organisation=org,
                        initial={"buyer_country": "中国"})
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已保存为草稿。请核对提交前检查，无误后点击“提交登记”。")
            return redirect(contract.get_absolute_url())
    return render(request, "contracts/form_page.html", {"form": form, "title": "申报技术合同登记", "org": org})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(Contract.objects.restrict(request.user, "change"), pk=pk)
    if not seller_member(request.user, contract):
        raise Http404("只有卖方可以修改合同内容")  # registrars and bureau staff decide, they do not rewrite
    form = ContractForm(request.POST or None, request.FILES or None, instance=contract,
                        organisation=contract.seller_organisation)
    if request.method == "POST" and form.is_valid():
        fresh = Contract.objects.get(pk=pk)
        try:
            services.contract_update(contract=fresh, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(fresh.get_absolute_url())
    return render(request, "contracts/form_page.html", {"form": form, "title": f"修改：{contract.title}",
                                                        "org": contract.seller_organisation, "obj": contract})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible(request, pk)
    user = request.user
    seller = seller_member(user, contract)
    registrar = is_registrar(user)
    ctx: dict[str, Any] = {
        "c": contract, "seller": seller, "registrar": registrar,
        "remaining": selectors.remaining_days(contract),
        "problems": precheck(contract) if seller and contract.status in (Status.DRAFT, Status.CORRECTION) else [],
        "history": [(h, STATUS_LABELS.get(h.from_state, h.from_state), STATUS_LABELS.get(h.to_state, h.to_state))
                    for h in history(contract)],
        "counted": contract.status in COUNTED,
        "benefits": benefits_for(contract) if contract.status in COUNTED else [],
    }
    if seller and contract.status == Status.CORRECTION:
        ctx["answer_form"] = CorrectionAnswerForm()
    if registrar and contract.status in (Status.SUBMITTED, Status.RESUBMITTED):
        ctx["decision_form"] = DecisionForm(initial={"contract_type": contract.contract_type,
                                                     "sub_type": contract.sub_type})
    ctx["objection_form"] = ObjectionForm() if contract.status in COUNTED else None
    return render(request, "contracts/detail.html", ctx)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible(request, pk)
    try:
        services.contract_submit(contract=contract, actor=request.user)
        messages.success(request, f"已提交，登记机构已受理。认定期限：{contract.deadline_on:%Y年%m月%d日}。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(contract.get_absolute_url())


@login_required
@require_POST
def answer_correction(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible(request, pk)
    form = CorrectionAnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
        return redirect(contract.get_absolute_url())
    try:
        if form.cleaned_data.get("file"):
            services.contract_update(contract=contract, actor=request.user, file=form.cleaned_data["file"])
        services.contract_resubmit(contract=contract, answer=form.cleaned_data["answer"], actor=request.user)
        messages.success(request, f"补正材料已提交，认定期限重新计算至 {contract.deadline_on:%Y年%m月%d日}。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(contract.get_absolute_url())


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible(request, pk)
    if contract.status not in (*COUNTED, Status.CANCELLED) or not contract.registration_number:
        messages.error(request, "该合同尚未认定登记，没有登记证明")
        return redirect(contract.get_absolute_url())
    registry = getattr(settings, "CONTRACTS_REGISTRY_NAME", "昆明市技术合同认定登记机构")
    return render(request, "contracts/certificate.html", {"c": contract, "registry": registry})


@login_required
def request_change(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible(request, pk)
    if not seller_member(request.user, contract):
        raise Http404("变更和注销登记由卖方申请")
    form = ChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_request_change(contract=contract, reason=form.cleaned_data["reason"],
                                             changes=form.changes(), actor=request.user)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "变更登记申请已提交，等待登记机构办理。")
            return redirect(contract.get_absolute_url())
    return render(request, "contracts/request_page.html", {"form": form, "c": contract, "title": "申请变更登记"})


@login_required
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible(request, pk)
    if not seller_member(request.user, contract):
        raise Http404("变更和注销登记由卖方申请")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_request_cancel(contract=contract, reason=form.cleaned_data["reason"],
                                             actor=request.user)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "注销登记申请已提交，等待登记机构办理。")
            return redirect(contract.get_absolute_url())
    return render(request, "contracts/request_page.html", {"form": form, "c": contract, "title": "申请注销登记"})


@login_required
@require_POST
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible(request, pk)
    try:
        services.contract_object(contract=contract, text=request.POST.get("text", ""), actor=request.user)
        messages.success(request, "异议已记录，登记机构将予以核查。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(contract.get_absolute_url())


# --------------------------------------------------------------------------- the registrar's side
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_registrar(request)
    rows = selectors.queue(request.user)
    overdue = sum(1 for c in rows if getattr(c, "overdue", False))
    return render(request, "contracts/queue.html", {"rows": rows, "overdue": overdue})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_registrar(request)
    contract = _visible(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}：{e[0]}"
                                          for f, e in form.errors.items()))
        return redirect(contract.get_absolute_url())
    d = form.cleaned_data
    try:
        if d["decision"] == "register":
            services.contract_register(contract=contract, actor=request.user,
                                       deductions=services.parse_deductions(form.deductions()),
                                       contract_type=d["contract_type"], sub_type=d.get("sub_type") or "",
                                       note=d.get("note") or "")
            messages.success(request, f"已认定登记，登记编号 {contract.registration_number}，"
                                      f"核定技术交易额 {contract.transaction_amount} 元。")
        elif d["decision"] == "correction":
            services.contract_request_correction(contract=contract, items=(d.get("items") or "").splitlines(),
                                                 actor=request.user)
            messages.success(request, "已通知卖方补正。")
        else:
            services.contract_refuse(contract=contract, reason=d.get("reason") or "", note=d.get("note") or "",
                                     actor=request.user)
            messages.success(request, "已作出不予登记决定。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(contract.get_absolute_url())
    return redirect("contracts:queue")


@login_required
@require_POST
def decide_request(request: HttpRequest, pk: int) -> HttpResponse:
    _require_registrar(request)
    contract = _visible(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "approve" and contract.status == Status.CHANGE_PENDING:
            services.contract_approve_change(contract=contract, actor=request.user)
        elif action == "approve":
            services.contract_approve_cancel(contract=contract, actor=request.user)
        else:
            services.contract_decline_request(contract=contract, reason=request.POST.get("reason", ""),
                                              actor=request.user)
        messages.success(request, f"已办理：“{contract.title}”现为{contract.get_status_display()}")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(contract.get_absolute_url())


@login_required
@require_POST
def expert_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_registrar(request)
    contract = _visible(request, pk)
    try:
        services.contract_flag_expert_review(contract=contract, actor=request.user)
        messages.success(request, f"已提交专家评审，认定期限延至 {contract.deadline_on:%Y年%m月%d日}（30个工作日）。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(contract.get_absolute_url())


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """Registered contracts of a year in the JJ-001 column order, for upload to the national system."""
    from kechuang.core.tabular import export_queryset, get_spec

    _require_registrar(request)
    year = _year(request)
    qs = Contract.objects.filter(status__in=COUNTED, registered_on__year=year).order_by("registered_on", "id")
    spec = get_spec("contracts")
    assert spec is not None
    body, content_type, _ = export_queryset(spec, qs, "xlsx", limit=200_000)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="jj001-{year}.xlsx"'
    return response


# --------------------------------------------------------------------------- public statistics
def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


def _scope(request: HttpRequest) -> str:
    scope = request.GET.get("scope", "output")
    return scope if scope in stats.SCOPES else "output"


def stats_page(request: HttpRequest) -> HttpResponse:
    year, scope = _year(request), _scope(request)
    tables = [(title, _with_bars(stats.statistics(year, by, scope))) for by, title in
              (("type", "按合同类型"), ("field", "按技术领域"), ("month", "按登记月份"), ("region", "按区县"))]
    summary = stats.summary(year, scope)
    by = dict(tables)
    chart = {"months": by["按登记月份"]["results"], "fields": by["按技术领域"]["results"],
             "cumulative": summary["cumulative"]}
    return render(request, "contracts/stats.html", {
        "year": year, "scope": scope, "tables": tables, "summary": summary, "chart": chart,
        "scopes": [("output", "技术输出（卖方在本市）"), ("input", "技术吸纳（买方在本市）")],
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
    })


def _with_bars(data: dict[str, Any]) -> dict[str, Any]:
    """Each row's share of the largest contract amount, drawn as a CSS bar next to the figure in the tables (the
    ECharts charts above them need JavaScript; the tables do not)."""
    top = max((Decimal(r["contract_amount"]) for r in data["results"]), default=Decimal("0"))
    for r in data["results"]:
        r["bar"] = int(Decimal(r["contract_amount"]) * 100 / top) if top else 0
    return data


def stats_export(request: HttpRequest) -> HttpResponse:
    import tablib

    year, scope = _year(request), _scope(request)
    book = tablib.Databook()
    for by, title in (("type", "合同类型"), ("field", "技术领域"), ("month", "登记月份"), ("region", "区县")):
        data = stats.statistics(year, by, scope)
        sheet = tablib.Dataset(title=title, headers=["代码", title, "合同数（项）", "合同成交额（元）", "技术交易额（元）"])
        for r in data["results"]:
            sheet.append([r["key"], r["label"], r["count"], Decimal(r["contract_amount"]), Decimal(r["transaction_amount"])])
        t = data["total"]
        sheet.append(["", "合计", t["count"], Decimal(t["contract_amount"]), Decimal(t["transaction_amount"])])
        book.add_sheet(sheet)
    response = HttpResponse(book.export("xlsx"),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="contract-stats-{year}-{scope}.xlsx"'
    return response
