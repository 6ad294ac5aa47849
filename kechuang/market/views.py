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
from kechuang.core.exceptions import ApplicationError
from kechuang.core.permissions import AuthenticatedHttpRequest, get_restricted_or_404, permits, require_bureau
from kechuang.core.redirects import redirect_next
from kechuang.core.tabular.export import ListExport, list_export_view
from kechuang.core.updates import form_error
from kechuang.market import kinds, recommend, selectors, services, unified_search
from kechuang.market.choices import FeedbackVerdict, Status
from kechuang.market.forms import RejectForm
from kechuang.market.models import Achievement, Demand, Listing, MatchFeedback


def _list_context(request: HttpRequest, kind: kinds.ListingKind) -> tuple[Any, dict[str, Any]]:
    """What every market list page shows: one page of the kind's rows, the FilterSet's controls, the sorts and
    the export link (the same filtering, as a file)."""
    qs, state = selectors.listing_for(kind, request.user, request.GET)
    for problem in state["problems"]:
        messages.error(request, problem)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return page, {"page": page, **state, "kind": kind, "entity": kind.key,
                  "filters": kind.filterset.controls(request.GET), "sorts": kind.sort_choices(bool(state["q"])),
                  "export_query": _export_query(request)}


def achievement_list(request: HttpRequest) -> HttpResponse:
    kind = kinds.for_list("achievement", request.GET)
    _page, ctx = _list_context(request, kind)
    # The export link stays on the achievements' own spec (literature has no export).
    return render(request, "market/achievement_list.html", {
        **ctx, "literature": kind.literature, "entity": "achievement"})


def demand_list(request: HttpRequest) -> HttpResponse:
    _page, ctx = _list_context(request, kinds.DEMAND)
    return render(request, "market/demand_list.html", ctx)


def _export_of(request: HttpRequest, entity: str) -> ListExport | None:
    """The public list as filtered on screen, as XLSX or CSV, with the import headers (so it imports back)."""
    kind = kinds.get(entity)
    if kind is None or not kind.export_spec:
        return None
    qs, _ = selectors.listing_for(kinds.for_list(entity, request.GET), request.user, request.GET)
    return ListExport(spec=kind.export_spec, rows=qs, limit=20_000)


export = list_export_view(_export_of)


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
        "entity": kinds.of(obj).key, "kind": kinds.of(obj), "reject_form": RejectForm(),
        "can_feedback": services.can_give_feedback(user),
        "verdicts": FeedbackVerdict.choices,
    }


def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_object_or_404(Demand.objects.restrict(request.user, "view").select_related("organisation"), pk=pk)
    ctx = _detail_context(request, demand, kinds.DEMAND.workflow)
    recs, ctx["recommend_error"] = recommend.for_demand(demand, request.user, k=20)
    ctx["recommendations"], ctx["literature"] = recommend.split_literature(recs)
    others = [k for k, _ in recommend.available_kinds() if k not in ("achievement", "enterprise")]
    ctx["resources"], _ = recommend.for_demand(demand, request.user, kinds=tuple(others), k=6) if others else ([], "")
    ctx["source_field"] = "demand"
    ctx["linked_contracts"] = contract_selectors.linked_to(request.user, demand=demand)
    _attach_feedback(ctx, demand, request.user)
    return render(request, "market/demand_detail.html", ctx)


def achievement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = get_object_or_404(Achievement.objects.restrict(request.user, "view").select_related("owner"), pk=pk)
    ctx = _detail_context(request, achievement, kinds.ACHIEVEMENT.workflow)
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
def _publishable(entity: str) -> kinds.ListingKind:
    kind = kinds.publishable(entity)
    if kind is None:
        raise Http404("未知的记录类型")
    return kind


@login_required
def my_listings(request: AuthenticatedHttpRequest, entity: str) -> HttpResponse:
    kind = _publishable(entity)
    org_id = request.user.organisation_id
    if org_id is None:
        raise PermissionDenied("您的账户未关联机构")
    qs = kind.model.objects.filter(**{f"{kind.owner_field}_id": org_id}).order_by("-updated_at")
    if status := request.GET.get("status"):
        qs = qs.filter(status=status)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "market/my_list.html", {"page": page, "entity": entity, "kind": kind,
                                                   "statuses": Status.choices, "verbose": kind.verbose})


@login_required
def listing_create(request: AuthenticatedHttpRequest, entity: str) -> HttpResponse:
    kind = _publishable(entity)
    organisation = request.user.organisation
    if organisation is None:
        raise PermissionDenied("您的账户未关联机构，不能发布")
    form = kind.form(request.POST or None, initial=kind.initial(organisation))
    if request.method == "POST" and form.is_valid():
        assert kind.create is not None  # every publishable kind has its services
        try:
            obj = kind.create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已保存为草稿：{obj.title}。确认无误后请点击“提交审核”。")
            return redirect(obj.get_absolute_url())
    return render(request, "market/form_page.html", {"form": form, "title": f"新建{kind.verbose}",
                                                     "submit": "保存草稿"})


@login_required
def listing_edit(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    kind = _publishable(entity)
    model = kind.model
    # Only the owner's drafts are editable: anything else is a 404, not a hint that the record exists.
    obj = get_restricted_or_404(model, request.user, "change", pk=pk)
    form = kind.form(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        assert kind.update is not None
        fresh: Any = model.objects.get(pk=pk)  # the form mutated ``obj``; the service works on the stored row
        try:
            kind.update(**{entity: fresh, "actor": request.user}, **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(fresh.get_absolute_url())
    return render(request, "market/form_page.html", {"form": form, "title": f"修改{kind.verbose}",
                                                     "submit": "保存", "obj": obj})


@login_required
@require_POST
def listing_transition(request: HttpRequest, entity: str, pk: int, trigger: str) -> HttpResponse:
    kind = _publishable(entity)
    obj: Any = get_restricted_or_404(kind.model, request.user, "view", pk=pk)
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
    kind = kinds.publishable(request.GET.get("type", "")) or kinds.DEMAND
    pending = kind.model._default_manager.filter(status=Status.SUBMITTED).order_by("updated_at")
    return render(request, "market/review_queue.html", {
        "pending": pending, "entity": kind.key, "kind": kind, "form": RejectForm(),
        # Tabs in the order the bureau works them: demands first (the default), then achievements.
        "tabs": [{"key": k.key, "label": k.label,
                  "count": k.model._default_manager.filter(status=Status.SUBMITTED).count()}
                 for k in sorted(kinds.PUBLISHABLE.values(), key=lambda k: k is not kinds.DEMAND)],
    })


# --------------------------------------------------------------------------- feedback (htmx)
@login_required
@require_POST
def match_feedback(request: HttpRequest) -> HttpResponse:
    if not services.can_give_feedback(request.user):
        raise PermissionDenied("只有技术经理人和科技局工作人员可以标记匹配结果")
    p = request.POST
    source_kind = kinds.publishable(p.get("source", "")) or kinds.ACHIEVEMENT
    source_model = source_kind.model
    source = get_object_or_404(source_model.objects.restrict(request.user, "view"), pk=p.get("source_id") or 0)
    try:
        rank = int(p["rank"]) if p.get("rank") else None
        score = float(p["score"]) if p.get("score") else None
        fb = services.match_feedback_record(
            actor=request.user, verdict=p.get("verdict", ""), target_kind=p.get("target_kind", ""),
            target_id=p.get("target_id", ""), rank=rank, score=score, note=p.get("note", ""),
            **{source_kind.key: source},
        )
    except (ApplicationError, ValueError) as exc:
        return HttpResponse(f'<span class="errorlist">{getattr(exc, "message", "参数无效")}</span>', status=400)
    if request.htmx:  # type: ignore[attr-defined]
        # The whole block again (verdict and buttons), so the broker can change the verdict without a reload.
        return render(request, "market/_feedback.html", {
            "fb": fb, "verdicts": FeedbackVerdict.choices, "source_field": source_kind.key,
            "source_id": source.pk,
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
    field = kinds.of(source).key
    rows = MatchFeedback.objects.restrict(user, "view").filter(**{field: source}).order_by("created_at")
    return {f"{r.target_kind}:{r.target_id}": r for r in rows}
