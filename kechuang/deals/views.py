"""Pages of the deal pipeline, the broker's workspace and the funnel. Views parse input, call one service or
selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kechuang.accounts.models import User
from kechuang.contracts.models import Contract
from kechuang.core.exceptions import ApplicationError
from kechuang.core.permissions import is_bureau, require_bureau
from kechuang.deals import funnel, selectors, services
from kechuang.deals.choices import BrokerGrade, Origin, Stage
from kechuang.deals.disclosure import pre_deal_disclose
from kechuang.deals.forms import ContractLinkForm, GradeForm, NoteForm, PreDisclosureForm
from kechuang.deals.models import BrokerProfile, Deal, is_broker
from kechuang.deals.workflow import DEAL_WORKFLOW, needs_pre_disclosure
from kechuang.market.choices import Status as MarketStatus
from kechuang.market.models import Achievement, Demand


def _deal(request: HttpRequest, pk: int) -> Deal:
    return get_object_or_404(selectors.visible(request.user), pk=pk)


@login_required
def deal_list(request: HttpRequest) -> HttpResponse:
    if is_broker(request.user):
        return redirect("deals:broker")
    stage = request.GET.get("stage", "")
    qs = selectors.pipeline(request.user)
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "deals/list.html", {"page": page, "stages": Stage.choices, "stage": stage})


@login_required
@require_POST
def deal_open(request: HttpRequest) -> HttpResponse:
    def pick(model: Any, name: str) -> Any:
        value = request.POST.get(name)
        return get_object_or_404(model.objects.filter(status=MarketStatus.PUBLISHED), pk=value) if value else None

    demand, achievement = pick(Demand, "demand"), pick(Achievement, "achievement")
    given = request.POST.get("origin", "")
    origin = given if given in Origin.values else Origin.QUEUE
    try:
        rank = int(request.POST.get("rank") or 0) or None
    except ValueError:
        rank = None
    try:
        deal = services.deal_open(actor=request.user, demand=demand, achievement=achievement, origin=origin,
                                  match_rank=rank)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        back = (demand or achievement)
        return redirect(back.get_absolute_url() if back else "deals:list")
    messages.success(request, "已发起商洽。请记录下一步工作和日期。")
    return redirect(deal.get_absolute_url())


@login_required
def deal_detail(request: HttpRequest, pk: int, note_form: Any = None) -> HttpResponse:
    deal = _deal(request, pk)
    contracts = Contract.objects.restrict(request.user, "view").order_by("-id")
    return render(request, "deals/detail.html", {
        "deal": deal, "workflow": DEAL_WORKFLOW, "notes": deal.notes.select_related("author"),
        "note_form": note_form or NoteForm(), "can_note": services.involved(request.user, deal),
        "contract_form": ContractLinkForm(contracts=contracts) if deal.is_party(request.user)
        and deal.stage == Stage.SIGNED else None,
        "pre_form": PreDisclosureForm(initial={"mode": "transfer"})
        if deal.stage in (Stage.CONTACTING, Stage.NEGOTIATING) and deal.achievement_id
        and not deal.disclosures.filter(kind="pre_deal").exists() else None,
        "needs_pre": needs_pre_disclosure(deal) or (deal.institute and deal.institute.kind in
                                                   ("university", "institute")),
        "disclosures": deal.disclosures.all(),
    })


@login_required
@require_POST
def deal_step(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal(request, pk)
    trigger = request.POST.get("trigger", "")
    try:
        services.deal_transition(deal=deal, trigger=trigger, actor=request.user, data=request.POST)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已办理：{DEAL_WORKFLOW.label_of(trigger)}，当前阶段为{deal.get_stage_display()}")
    return redirect(deal.get_absolute_url())


@login_required
@require_POST
def deal_note(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal(request, pk)
    form = NoteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.note_add(deal=deal, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已记录")
            return redirect(deal.get_absolute_url())
    return deal_detail(request, pk, note_form=form)


@login_required
@require_POST
def deal_contract(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal(request, pk)
    form = ContractLinkForm(request.POST, contracts=Contract.objects.restrict(request.user, "view"))
    if not form.is_valid():
        messages.error(request, "请选择本机构的技术合同")
        return redirect(deal.get_absolute_url())
    try:
        services.contract_link(deal=deal, contract=form.cleaned_data["contract"], actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已关联技术合同。合同认定登记后，可确认本商洽已登记。")
    return redirect(deal.get_absolute_url())


@login_required
@require_POST
def deal_pre_disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal(request, pk)
    form = PreDisclosureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写拟交易价格（元）和交易方式")
        return redirect(deal.get_absolute_url())
    try:
        d = pre_deal_disclose(deal=deal, actor=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(deal.get_absolute_url())
    messages.success(request, f"已发起拟交易公示，公示期至 {d.ends_on:%Y-%m-%d}")
    return redirect(deal.get_absolute_url())


@login_required
def broker_workspace(request: HttpRequest) -> HttpResponse:
    if not (is_broker(request.user) or is_bureau(request.user)):
        raise PermissionDenied("技术经理人工作台仅供技术经理人使用")
    deals = selectors.pipeline(request.user)
    if is_bureau(request.user):
        deals = deals.filter(broker__isnull=False)
    profile = BrokerProfile.objects.filter(user_id=request.user.pk or 0).first()
    return render(request, "deals/broker.html", {
        "deals": deals[:100], "figures": selectors.broker_figures(selectors.visible(request.user)),
        "assigned": selectors.assigned_demands(request.user)[:50],
        "claimable": selectors.claimable_demands(request.user)[:20] if is_broker(request.user) else [],
        "profile": profile,
    })


@login_required
@require_POST
def claim(request: HttpRequest, demand_pk: int) -> HttpResponse:
    if not is_broker(request.user):
        raise PermissionDenied("只有技术经理人可以认领技术需求")
    demand = get_object_or_404(Demand.objects.filter(status=MarketStatus.PUBLISHED), pk=demand_pk)
    try:
        services.demand_claim(demand=demand, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已认领技术需求“{demand.title}”")
    return redirect("deals:broker")


@login_required
def assignments(request: HttpRequest) -> HttpResponse:
    require_bureau(request.user)
    demands = Demand.objects.filter(status=MarketStatus.PUBLISHED).select_related(
        "organisation", "assignment__broker").order_by("assignment", "-published_at")
    brokers = User.objects.filter(role="broker", is_active=True).order_by("username")
    grades = {p.user_id: p for p in BrokerProfile.objects.all()}
    rows = [(b, grades.get(b.pk)) for b in brokers]
    return render(request, "deals/assignments.html", {
        "page": Paginator(demands, 30).get_page(request.GET.get("page")), "brokers": brokers, "rows": rows,
        "grade_form": GradeForm()})


@login_required
@require_POST
def assign(request: HttpRequest, demand_pk: int) -> HttpResponse:
    require_bureau(request.user)
    demand = get_object_or_404(Demand.objects.filter(status=MarketStatus.PUBLISHED), pk=demand_pk)
    broker = User.objects.filter(pk=request.POST.get("broker") or 0, role="broker").first()
    try:
        services.demand_assign(demand=demand, broker=broker, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将“{demand.title}”分派给 {broker}")
    return redirect("deals:assignments")


@login_required
@require_POST
def grade(request: HttpRequest, user_pk: int) -> HttpResponse:
    require_bureau(request.user)
    broker = get_object_or_404(User, pk=user_pk, role="broker")
    form = GradeForm(request.POST)
    if form.is_valid():
        services.broker_grade_set(broker=broker, grade=form.cleaned_data["grade"], actor=request.user)
        label = dict(BrokerGrade.choices)[form.cleaned_data["grade"]]
        messages.success(request, f"已评定 {broker} 为{label}技术经理人")
    else:
        messages.error(request, "请选择技术经理人等级")
    return redirect("deals:assignments")


@login_required
def funnel_page(request: HttpRequest) -> HttpResponse:
    require_bureau(request.user)
    by = request.GET.get("by", "overall")
    if by not in funnel.BY:
        by = "overall"
    rows = funnel.funnel(by)
    mrr, queries = funnel.mrr_at_10_sql()
    chart = {"steps": [label for _, label in funnel.STEPS],
             "series": [{"name": r["label"], "data": [r[s] for s, _ in funnel.STEPS]} for r in rows[:8]]}
    return render(request, "deals/funnel.html", {
        "by": by, "groups": funnel.BY.items(), "rows": rows, "steps": funnel.STEPS,
        "terminations": funnel.terminations(), "mrr": round(mrr, 3), "queries": queries,
        "chart_json": chart})
