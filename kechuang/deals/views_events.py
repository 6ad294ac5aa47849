"""Pages of matchmaking events (对接活动)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kechuang.core.exceptions import ApplicationError
from kechuang.core.permissions import is_bureau, require_bureau
from kechuang.deals import events
from kechuang.deals.choices import MeetingOutcome
from kechuang.deals.models import EventRegistration, MatchEvent, Meeting
from kechuang.market.choices import Status as MarketStatus
from kechuang.market.models import Demand


class EventForm(forms.ModelForm):
    class Meta:
        model = MatchEvent
        fields = ["title", "theme", "chains", "starts_at", "place", "online", "capacity", "slot_minutes"]
        help_texts = {"starts_at": "格式：2026-12-20 09:00"}


class RegisterForm(forms.Form):
    demand = forms.ModelChoiceField(label="携带的技术需求（可不填）", queryset=Demand.objects.none(), required=False,
                                    empty_label="不携带需求")
    brings = forms.CharField(label="带来什么（成果、技术、设备）", max_length=500, required=False)
    seeks = forms.CharField(label="寻找什么（需求、合作）", max_length=500, required=False)


def event_list(request: HttpRequest) -> HttpResponse:
    return render(request, "deals/event_list.html", {"events": MatchEvent.objects.all()[:100]})


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(MatchEvent, pk=pk)
    user = request.user
    org_id = getattr(user, "organisation_id", None) if user.is_authenticated else None
    bureau = is_bureau(user)
    mine = event.registrations.filter(organisation_id=org_id).first() if org_id else None
    form = None
    if org_id and mine is None:
        form = RegisterForm()
        form.fields["demand"].queryset = Demand.objects.filter(  # type: ignore[attr-defined]
            organisation_id=org_id,
                                                               status=MarketStatus.PUBLISHED)
    meetings = event.meetings.select_related("seeker__organisation", "holder__organisation", "achievement", "demand")
    if not bureau:
        # A participant sees its own schedule; the public sees the figures only.
        meetings = meetings.filter(seeker=mine) | meetings.filter(holder=mine) if mine else meetings.none()
    return render(request, "deals/event_detail.html", {
        "event": event, "mine": mine, "form": form, "meetings": meetings, "stats": events.statistics(event),
        "registrations": event.registrations.select_related("organisation") if bureau else [],
        "outcomes": [c for c in MeetingOutcome.choices if c[0] != MeetingOutcome.PENDING]})


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    require_bureau(request.user)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        event = events.event_create(actor=request.user, **data)
        messages.success(request, "已发布对接活动")
        return redirect(event.get_absolute_url())
    return render(request, "deals/form_page.html", {"form": form, "title": "发布对接活动", "submit": "发布"})


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(MatchEvent, pk=pk)
    form = RegisterForm(request.POST)
    org_id = getattr(request.user, "organisation_id", None) or 0
    form.fields["demand"].queryset = Demand.objects.filter(organisation_id=org_id)  # type: ignore[attr-defined]
    if not form.is_valid():
        messages.error(request, "携带的技术需求：只能选择本单位已发布的需求")
        return redirect(event.get_absolute_url())
    try:
        events.event_register(event=event, actor=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "报名成功。活动前平台将推荐洽谈对象并安排日程。")
    return redirect(event.get_absolute_url())


@login_required
@require_POST
def event_propose(request: HttpRequest, pk: int) -> HttpResponse:
    require_bureau(request.user)
    event = get_object_or_404(MatchEvent, pk=pk)
    found = events.propose_meetings(event=event, actor=request.user)
    messages.success(request, f"已推荐 {len(found)} 场洽谈并排定日程" if found else "报名单位之间暂无匹配的洽谈对象")
    return redirect(event.get_absolute_url())


@login_required
@require_POST
def event_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    require_bureau(request.user)
    reg = get_object_or_404(EventRegistration, pk=pk)
    events.check_in(registration=reg, actor=request.user)
    messages.success(request, f"{reg.organisation} 已签到")
    return redirect(reg.event.get_absolute_url())


@login_required
@require_POST
def meeting_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    require_bureau(request.user)
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        m = events.record_outcome(meeting=meeting, outcome=request.POST.get("outcome", ""), actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已记录：{m.get_outcome_display()}" + ("，已转入商洽" if m.deal_id else ""))
    return redirect(meeting.event.get_absolute_url())
