"""Pages: instrument calendar and booking form, my bookings, the provider's queue, a booking's page with its
workflow steps, monthly statements (XLSX), the staff's 先用后补 schemes and claims, the open-sharing evaluation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.core.exceptions import ApplicationError
from kechuang.core.tabular.export import export_response
from kechuang.directory.models import Instrument
from kechuang.instruments import availability, evaluation, selectors, services, statements, subsidy
from kechuang.instruments.choices import BookingStatus, ClaimStatus
from kechuang.instruments.forms import (
    BlackoutForm,
    BookingForm,
    DecisionForm,
    MaintenanceForm,
    OpeningHoursForm,
    SchemeForm,
    SettingsForm,
)
from kechuang.instruments.models import (
    Blackout,
    MaintenanceWindow,
    ServiceSettings,
    SubsidyClaim,
    SubsidyScheme,
)
from kechuang.instruments.services import Request
from kechuang.instruments.workflow import BOOKING_WORKFLOW
from kechuang.workflow import clock


def _bureau_only(request: HttpRequest) -> None:
    if not getattr(request.user, "is_bureau", False):
        raise PermissionDenied("仅科技局工作人员可以访问该页面")


def _org_only(request: HttpRequest) -> int:
    org = getattr(request.user, "organisation_id", None)
    if not org:
        raise PermissionDenied("您的账号未关联单位")
    return org


def _instrument(request: HttpRequest, pk: int) -> tuple[Instrument, ServiceSettings]:
    inst = get_object_or_404(Instrument.objects.restrict(request.user, "view").select_related("organisation"), pk=pk)
    s = ServiceSettings.objects.filter(instrument=inst).first()
    if s is None:
        s = ServiceSettings(instrument=inst, bookable=False)
    return inst, s


def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    inst, s = _instrument(request, pk)
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = today
    monday = day - dt.timedelta(days=day.weekday())
    days, rows = selectors.week(inst, s, monday, request.user, clock.now()) if s.bookable else ([], [])
    blackouts, windows = availability.upcoming(s)
    return render(request, "instruments/calendar.html", {
        "inst": inst, "settings": s, "days": days, "rows": rows, "opening": services.opening_text(s),
        "blackouts": blackouts[:10], "windows": windows[:10],
        "prev": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7), "monday": monday,
        "cost_rate": s.cost_recovery_rate() if s.pk else None,
        "can_manage": s.pk and (request.user.is_authenticated and (
            getattr(request.user, "is_bureau", False) or request.user.organisation_id == inst.organisation_id))})


@login_required
def book(request: HttpRequest, pk: int) -> HttpResponse:
    _org_only(request)
    inst, s = _instrument(request, pk)
    if not s.bookable:
        messages.error(request, f"“{inst}”暂未开放预约")
        return redirect("instruments:calendar", pk=inst.pk)
    initial = {}
    if "start" in request.GET:
        try:
            at = timezone.localtime(dt.datetime.fromisoformat(request.GET["start"]))
            initial = {"day": at.date(), "start": at.time(),
                       "end": (at + dt.timedelta(minutes=max(s.min_minutes, s.granularity_minutes))).time()}
        except ValueError:
            pass
    form = BookingForm(request.POST or None, instrument=inst, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        reqs = [Request(i, d["start_at"], d["end_at"]) for i in [inst, *d.get("also", [])]]
        try:
            made = services.book(actor=request.user, requests=reqs, purpose=d["purpose"], samples=d["samples"] or 0,
                                 service=d["service"], operator_needed=d["operator_needed"])
            messages.success(request, f"已提交预约：{made[0].slot_text()}，当前状态为{made[0].get_status_display()}"
                             + (f"（共 {len(made)} 台仪器）" if len(made) > 1 else ""))
            return redirect("instruments:booking_detail", pk=made[0].pk)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    return render(request, "instruments/book.html", {"inst": inst, "settings": s, "form": form,
                                                     "opening": services.opening_text(s)})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    org = _org_only(request)
    qs = selectors.bookings_for(request.user).filter(organisation_id=org).order_by("-start")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "instruments/mine.html", {"page": page})


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    org = _org_only(request)
    qs = selectors.bookings_for(request.user).filter(instrument__organisation_id=org)
    groups = [(label, list(qs.filter(status=st).order_by("start")[:100])) for st, label in [
        (BookingStatus.PENDING, "待审批"), (BookingStatus.APPROVED, "已批准，待登记使用"),
        (BookingStatus.USED, "已使用，待结算")]]
    instruments = ServiceSettings.objects.filter(instrument__organisation_id=org).select_related("instrument")
    return render(request, "instruments/queue.html", {"groups": groups, "instruments": instruments})


@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    b = get_object_or_404(selectors.bookings_for(request.user), pk=pk)
    claim = SubsidyClaim.objects.filter(booking=b).first()
    return render(request, "instruments/booking_detail.html", {
        "b": b, "workflow": BOOKING_WORKFLOW, "claim": claim,
        "steps": [(v, lbl) for v, lbl in BookingStatus.choices if v in ("pending", "approved", "used", "settled")],
        "can_rate": b.organisation_id == getattr(request.user, "organisation_id", None) and b.status in ("used", "settled")})


@login_required
@require_POST
def booking_transition(request: HttpRequest, pk: int) -> HttpResponse:
    b = get_object_or_404(selectors.bookings_for(request.user), pk=pk)
    trigger = request.POST.get("trigger", "")
    try:
        b = services.booking_transition(booking=b, trigger=trigger, actor=request.user, data=request.POST)
        messages.success(request, f"已办理：{BOOKING_WORKFLOW.label_of(trigger)}，当前状态为{b.get_status_display()}")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("instruments:booking_detail", pk=b.pk)


@login_required
@require_POST
def booking_rate(request: HttpRequest, pk: int) -> HttpResponse:
    b = get_object_or_404(selectors.bookings_for(request.user), pk=pk)
    try:
        services.rate(booking=b, rating=int(request.POST.get("rating") or 0), actor=request.user)
        messages.success(request, "感谢您的评价")
    except (ApplicationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "服务评价应为 1 至 5 分"))
    return redirect("instruments:booking_detail", pk=b.pk)


@login_required
def settings_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inst, s = _instrument(request, pk)
    if not (getattr(request.user, "is_bureau", False)
            or getattr(request.user, "organisation_id", None) == inst.organisation_id):
        raise PermissionDenied("只有仪器所属单位可以修改共享设置")
    form = SettingsForm(request.POST or None, instance=s if s.pk else ServiceSettings(instrument=inst))
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(instrument=inst, actor=request.user, values={
                k: form.cleaned_data[k] for k in SettingsForm.Meta.fields})
            messages.success(request, "共享设置已保存")
            return redirect("instruments:calendar", pk=inst.pk)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    return render(request, "instruments/settings_form.html", {"inst": inst, "form": form,
                                                              "cost_rate": s.cost_recovery_rate() if s.pk else None})


@login_required
def availability_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """开放时间、停用与维护: three small forms on one page, each posting its own ``action``; removal buttons post
    ``remove`` = ``blackout:<id>`` or ``maintenance:<id>``."""
    inst, s = _instrument(request, pk)
    if not availability.may_manage(request.user, inst):
        raise PermissionDenied("只有仪器所属单位和科技局工作人员可以设置开放时间、停用和维护安排")
    post = request.POST if request.method == "POST" else None
    action = post.get("hours-action") or post.get("blackout-action") or post.get("maint-action") if post else None
    hours = OpeningHoursForm(post if action == "hours" else None, settings=s, prefix="hours")
    blackout = BlackoutForm(post if action == "blackout" else None, prefix="blackout")
    maint = MaintenanceForm(post if action == "maintenance" else None, prefix="maint")
    affected: list[Any] = []
    if post is not None and "remove" in post:
        kind, _, rid = post["remove"].partition(":")
        if kind not in ("blackout", "maintenance") or not rid.isdigit():
            messages.error(request, "要删除的安排不存在")
            return redirect("instruments:availability", pk=inst.pk)
        rule: Blackout | MaintenanceWindow = (
            get_object_or_404(Blackout, pk=int(rid), settings__instrument=inst) if kind == "blackout"
            else get_object_or_404(MaintenanceWindow, pk=int(rid), settings__instrument=inst))
        availability.remove_rule(rule=rule, actor=request.user)
        messages.success(request, f"已删除：{rule}")
        return redirect("instruments:availability", pk=inst.pk)
    form = {"hours": hours, "blackout": blackout, "maintenance": maint}.get(action or "")
    if form is not None and form.is_valid():
        d = form.cleaned_data
        try:
            if form is hours:
                availability.set_opening_hours(instrument=inst, actor=request.user,
                                               days={i: d[f"day_{i}"] for i in range(7)})
                messages.success(request, "每周开放时间已保存")
            elif form is blackout:
                b = availability.add_blackout(instrument=inst, actor=request.user, start_date=d["start_date"],
                                              end_date=d["end_date"], reason=d["reason"])
                messages.success(request, f"已添加停用日期：{b}")
            else:
                w = availability.add_maintenance(instrument=inst, actor=request.user, start=d["start"], end=d["end"],
                                                 reason=d["reason"])
                messages.success(request, f"已添加维护时段：{w}")
            return redirect("instruments:availability", pk=inst.pk)
        except availability.RulesConflict as exc:
            form.add_error(None, exc.message)
            affected = exc.bookings
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    s = ServiceSettings.objects.filter(instrument=inst).first() or s
    blackouts, windows = availability.upcoming(s)
    return render(request, "instruments/availability.html", {
        "inst": inst, "settings": s, "opening": services.opening_text(s), "hours": hours, "blackout": blackout,
        "maint": maint, "blackouts": blackouts, "windows": windows, "affected": affected})


@login_required
def statement(request: HttpRequest) -> HttpResponse:
    bureau = getattr(request.user, "is_bureau", False)
    org: Any = getattr(request.user, "organisation_id", None)
    if not bureau and not org:
        raise PermissionDenied("您的账号未关联单位")
    side = request.GET.get("side", "customer")
    qs = selectors.bookings_for(request.user)
    if not bureau:
        qs = qs.filter(instrument__organisation_id=org) if side == "provider" else qs.filter(organisation_id=org)
    rows, totals, month = statements.statement(qs, request.GET.get("month"))
    if request.GET.get("format"):
        return export_response(request, statements.STATEMENT_SPEC, rows)
    return render(request, "instruments/statement.html", {"rows": rows, "totals": totals, "month": month,
                                                          "side": side, "bureau": bureau})


@login_required
def schemes(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "先用后补方案已保存")
        return redirect("instruments:schemes")
    return render(request, "instruments/schemes.html", {"schemes": SubsidyScheme.objects.all(), "form": form})


@login_required
def claims(request: HttpRequest) -> HttpResponse:
    _bureau_only(request)
    status = request.GET.get("status", "")
    qs = SubsidyClaim.objects.select_related("booking", "booking__instrument", "organisation", "provider", "scheme")
    if status in ClaimStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "instruments/claims.html", {"page": page, "status": status,
                                                       "statuses": ClaimStatus.choices, "form": DecisionForm()})


@login_required
@require_POST
def claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _bureau_only(request)
    claim = get_object_or_404(SubsidyClaim, pk=pk)
    try:
        subsidy.decide(claim=claim, approve=request.POST.get("decision") == "approve",
                       reason=request.POST.get("reason", ""), actor=request.user)
        messages.success(request, "已审核")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("instruments:claims")


@login_required
@require_POST
def claim_pay(request: HttpRequest, pk: int) -> HttpResponse:
    _bureau_only(request)
    claim = get_object_or_404(SubsidyClaim, pk=pk)
    try:
        p = subsidy.pay(claim=claim, actor=request.user)
        messages.success(request, f"已兑付 {p.amount:,} 元")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("instruments:claims")


def openness(request: HttpRequest) -> HttpResponse:
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else timezone.localdate().year
    return render(request, "instruments/evaluation.html", {"year": year, "rows": evaluation.ranking(year)})
