"""Pages of the technology market. Views parse input, call one selector or service, render the result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kechuang.contracts import selectors as contract_selectors
from kechuang.core import regions
from kechuang.core.exceptions import ApplicationError
from kechuang.core.permissions import AuthenticatedHttpRequest, permits, require_bureau
from kechuang.core.redirects import redirect_next
from kechuang.core.updates import form_error
from kechuang.market import recommend, selectors, services, unified_search
from kechuang.market.choices import CooperationMode, FeedbackVerdict, Industry, Maturity, Status, TransferMode
from kechuang.market.forms import AchievementForm, DemandForm, RejectForm
from kechuang.market.models import Achievement, Demand, Listing, MatchFeedback
from kechuang.market.workflow import ACHIEVEMENT_WORKFLOW, DEMAND_WORKFLOW

ENTITIES: dict[str, tuple[type[Listing], Any, Any]] = {
    "achievement": (Achievement, ACHIEVEMENT_WORKFLOW, AchievementForm),
    "demand": (Demand, DEMAND_WORKFLOW, DemandForm),
}


def _sort_choices(entity: str, with_relevance: bool = False) -> list[tuple[str, str]]:
    keys = (["relevance"] if with_relevance else []) + list(selectors.SORTS[entity])
    return [(k, selectors.SORT_LABELS[k]) for k in keys]


def achievement_list(request: HttpRequest) -> HttpResponse:
    qs, state = selectors.achievements_for(request.user, request.GET)
    literature = selectors.is_literature_tab(request.GET)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "market/achievement_list.html", {
        "page": page, **state, "literature": literature, "disciplines": selectors.disciplines(literature),
        "maturities": Maturity.choices,
        "modes": TransferMode.choices, "industries": Industry.choices, "sorts": _sort_choices("achievement", bool(state["q"])),
        "chains": selectors.chains(), "export_query": _export_query(request), "entity": "achievement",
    })


def demand_list(request: HttpRequest) -> HttpResponse:
    qs, state = selectors.demands_for(request.user, request.GET)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "market/demand_list.html", {
        "page": page, **state, "cooperations": CooperationMode.choices, "industries": Industry.choices,
        "regions": regions.choices("5301"), "sorts": _sort_choices("demand"),
        "chains": selectors.chains(), "export_query": _export_query(request), "entity": "demand",
    })


def export(request: HttpRequest, entity: str) -> HttpResponse:
    """The public list as filtered on screen, as XLSX or CSV, with the import headers (so it imports back)."""
    from kechuang.core.tabular import export_response, get_spec

    if entity not in ENTITIES:
        raise Http404
    select = selectors.demands_for if entity == "demand" else selectors.achievements_for
    qs, _ = select(request.user, request.GET)
    return export_response(request, get_spec(f"{entity}s"), qs, limit=20_000)


def _export_query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


def _detail_context(request: HttpRequest, obj: Listing, workflow: Any) -> dict[str, Any]:
    user = request.user
    can_edit = permits(user, "change", obj)
    return {
        # Actions and history are drawn from the transition table by the workflow include (workflow_tags).
        "obj": obj, "can_edit": can_edit, "workflow": workflow,
        "entity": "demand" if isinstance(obj, Demand) else "achievement", "reject_form": RejectForm(), "can_feedback": services.can_give_feedback(user),
        "verdicts": FeedbackVerdict.choices,
    }


def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_object_or_404(Demand.objects.restrict(request.user, "view").select_related("organisation"), pk=pk)
    ctx = _detail_context(request, demand, DEMAND_WORKFLOW)
    recs, ctx["recommend_error"] = recommend.for_demand(demand, request.user, k=20)
    ctx["recommendations"], ctx["literature"] = recommend.split_literature(recs)
    kinds = [k for k, _ in recommend.available_kinds() if k not in ("achievement", "enterprise")]
    ctx["resources"], _ = recommend.for_demand(demand, request.user, kinds=tuple(kinds), k=6) if kinds else ([], "")
    ctx["source_field"] = "demand"
    ctx["linked_contracts"] = contract_selectors.linked_to(request.user, demand=demand)
    _attach_feedback(ctx, demand, request.user)
    return render(request, "market/demand_detail.html", ctx)


def achievement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = get_object_or_404(Achievement.objects.restrict(request.user, "view").select_related("owner"), pk=pk)
    ctx = _detail_context(request, achievement, ACHIEVEMENT_WORKFLOW)
    ctx["recommendations"], ctx["recommend_error"] = recommend.for_achievement(achievement, request.user)
    ctx["source_field"] = "achievement"
    ctx["linked_contracts"] = contract_selectors.linked_to(request.user, achievement=achievement)
    _attach_feedback(ctx, achievement, request.user)
    return render(request, "market/achievement_detail.html", ctx)


def search(request: HttpRequest) -> HttpResponse:
    """The one search of the platform: every kind, grouped, with counts and a link to each kind's full list."""
    q = request.GET.get("q", "").strip()[:unified_search.MAX_QUERY]
    groups = unified_search.search(request.user, q)
    return render(request, "market/search.html", {
        "q": q, "groups": groups, "total": sum(g.count for g in groups),
    })


# --------------------------------------------------------------------------- workspace
@login_required
def my_listings(request: AuthenticatedHttpRequest, entity: str) -> HttpResponse:
    model = ENTITIES[entity][0]
    org_id = request.user.organisation_id
    if org_id is None:
        raise PermissionDenied("您的账户未关联机构")
    qs = model.objects.filter(**{f"{model.owner_field}_id": org_id}).order_by("-updated_at")
    if status := request.GET.get("status"):
        qs = qs.filter(status=status)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "market/my_list.html", {"page": page, "entity": entity, "statuses": Status.choices,
                                                   "verbose": model._meta.verbose_name})


@login_required
def listing_create(request: AuthenticatedHttpRequest, entity: str) -> HttpResponse:
    model, _, form_class = ENTITIES[entity]
    organisation = request.user.organisation
    if organisation is None:
        raise PermissionDenied("您的账户未关联机构，不能发布")
    initial = {"region_code": organisation.region_code} if entity == "demand" else {}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        create = services.demand_create if entity == "demand" else services.achievement_create
        try:
            obj = create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已保存为草稿：{obj.title}。确认无误后请点击“提交审核”。")
            return redirect(obj.get_absolute_url())
    return render(request, "market/form_page.html", {"form": form, "title": f"新建{model._meta.verbose_name}",
                                                     "submit": "保存草稿"})


@login_required
def listing_edit(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    model, _, form_class = ENTITIES[entity]
    # Only the owner's drafts are editable: anything else is a 404, not a hint that the record exists.
    obj = get_object_or_404(model.objects.restrict(request.user, "change"), pk=pk)
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        update = services.demand_update if entity == "demand" else services.achievement_update
        fresh: Any = model.objects.get(pk=pk)  # the form mutated ``obj``; the service works on the stored row
        try:
            update(**{entity: fresh, "actor": request.user}, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(fresh.get_absolute_url())
    return render(request, "market/form_page.html", {"form": form, "title": f"修改{model._meta.verbose_name}",
                                                     "submit": "保存", "obj": obj})


@login_required
@require_POST
def listing_transition(request: HttpRequest, entity: str, pk: int, trigger: str) -> HttpResponse:
    if entity not in ENTITIES:
        raise Http404("未知的记录类型")
    model = ENTITIES[entity][0]
    obj = get_object_or_404(model.objects.restrict(request.user, "view"), pk=pk)
    try:
        # "comment" from the workflow include; "reason" from the review queue's own form.
        services.listing_transition(obj=obj, trigger=trigger, actor=request.user,
                                    reason=request.POST.get("reason") or request.POST.get("comment", ""))
        messages.success(request, f"操作成功：“{obj.title}”现为{obj.get_status_display()}")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect_next(request, obj.get_absolute_url())


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require_bureau(request.user, "仅科技局工作人员可以审核")
    entity = request.GET.get("type", "demand")
    if entity not in ENTITIES:
        entity = "demand"
    model = ENTITIES[entity][0]
    pending = model.objects.filter(status=Status.SUBMITTED).order_by("updated_at")
    return render(request, "market/review_queue.html", {
        "pending": pending, "entity": entity, "form": RejectForm(),
        "counts": {e: m.objects.filter(status=Status.SUBMITTED).count() for e, (m, _, _) in ENTITIES.items()},
    })


# --------------------------------------------------------------------------- feedback (htmx)
@login_required
@require_POST
def match_feedback(request: HttpRequest) -> HttpResponse:
    if not services.can_give_feedback(request.user):
        raise PermissionDenied("只有技术经理人和科技局工作人员可以标记匹配结果")
    p = request.POST
    source_model = Demand if p.get("source") == "demand" else Achievement
    source = get_object_or_404(source_model.objects.restrict(request.user, "view"), pk=p.get("source_id") or 0)
    try:
        rank = int(p["rank"]) if p.get("rank") else None
        score = float(p["score"]) if p.get("score") else None
        fb = services.match_feedback_record(
            actor=request.user, verdict=p.get("verdict", ""), target_kind=p.get("target_kind", ""),
            target_id=p.get("target_id", ""), rank=rank, score=score, note=p.get("note", ""),
            **({"demand": source} if source_model is Demand else {"achievement": source}),
        )
    except (ApplicationError, ValueError) as exc:
        return HttpResponse(f'<span class="errorlist">{getattr(exc, "message", "参数无效")}</span>', status=400)
    if request.htmx:  # type: ignore[attr-defined]
        # The whole block again (verdict and buttons), so the broker can change the verdict without a reload.
        return render(request, "market/_feedback.html", {
            "fb": fb, "verdicts": FeedbackVerdict.choices, "source_field": "demand" if source_model is Demand else "achievement", "source_id": source.pk,
            "target_kind": fb.target_kind, "target_id": fb.target_id, "rank": fb.rank or "",
            "score": "" if fb.score is None else fb.score,
        })
    messages.success(request, f"已记录反馈：{fb.get_verdict_display()}")
    return redirect(source.get_absolute_url())


def _attach_feedback(ctx: dict[str, Any], source: Listing, user: Any) -> None:
    if not ctx["can_feedback"]:
        return
    latest = latest_feedback(source, user)
    for rec in [*ctx["recommendations"], *ctx.get("literature", []), *ctx.get("resources", [])]:
        rec.feedback = latest.get(rec.doc_id)


def latest_feedback(source: Listing, user: Any) -> dict[str, MatchFeedback]:
    field = "demand" if isinstance(source, Demand) else "achievement"
    rows = MatchFeedback.objects.restrict(user, "view").filter(**{field: source}).order_by("created_at")
    return {f"{r.target_kind}:{r.target_id}": r for r in rows}
