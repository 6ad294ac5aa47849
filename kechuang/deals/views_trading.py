"""Pages of listed trading (挂牌交易, 竞价) and transaction disclosure (交易信息公示)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kechuang.core.exceptions import ApplicationError
from kechuang.core.permissions import is_bureau, require_bureau
from kechuang.deals import disclosure as disclosure_services
from kechuang.deals import trading
from kechuang.deals.choices import ListingStatus
from kechuang.deals.forms import BidForm, ListingForm, ObjectionForm
from kechuang.deals.models import BidderRegistration, Disclosure, Objection, TradeListing
from kechuang.deals.workflow import LISTING_WORKFLOW, OBJECTION_WORKFLOW, REGISTRATION_WORKFLOW
from kechuang.market.choices import Status as MarketStatus
from kechuang.market.models import Achievement


def _listing(request: HttpRequest, pk: int) -> TradeListing:
    return get_object_or_404(TradeListing.objects.restrict(request.user, "view").select_related(
        "achievement", "achievement__owner", "leader__organisation"), pk=pk)


def listing_list(request: HttpRequest) -> HttpResponse:
    qs = TradeListing.objects.restrict(request.user, "view").select_related("achievement", "achievement__owner")
    return render(request, "deals/listing_list.html",
                  {"page": Paginator(qs, 20).get_page(request.GET.get("page"))})


def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing(request, pk)
    org_id = getattr(request.user, "organisation_id", None) if request.user.is_authenticated else None
    mine = listing.registrations.filter(organisation_id=org_id).first() if org_id else None
    bureau = is_bureau(request.user)
    return render(request, "deals/listing_detail.html", {
        "listing": listing, "workflow": LISTING_WORKFLOW, "registration_workflow": REGISTRATION_WORKFLOW,
        "mine": mine, "bid_form": BidForm(initial={"amount": listing.minimum_bid}),
        "bidding": listing.is_bidding(), "registrations": listing.registrations.select_related("organisation")
        if bureau else [],
        # Bidders are shown by number, not by name, while bidding runs (the usual 竞买号 practice).
        "bids": listing.bids.select_related("registration")[:20],
        "can_register": bool(org_id) and mine is None and listing.status == ListingStatus.OPEN
        and org_id != listing.achievement.owner_id,
        "disclosure": listing.disclosures.first(),
    })


@login_required
def listing_create(request: HttpRequest) -> HttpResponse:
    require_bureau(request.user, "仅科技局工作人员可以发布挂牌交易")
    achievements = Achievement.objects.filter(status=MarketStatus.PUBLISHED, owner__isnull=False).order_by("title")
    form = ListingForm(request.POST or None, achievements=achievements)
    if request.method == "POST" and form.is_valid():
        try:
            listing = trading.listing_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已保存挂牌。核对后点击“发布挂牌”。")
            return redirect(listing.get_absolute_url())
    return render(request, "deals/form_page.html", {"form": form, "title": "发布挂牌交易", "submit": "保存"})


@login_required
@require_POST
def listing_step(request: HttpRequest, pk: int) -> HttpResponse:
    require_bureau(request.user)
    listing = get_object_or_404(TradeListing, pk=pk)
    from kechuang.workflow.engine import transition

    trigger = request.POST.get("trigger", "")
    try:
        transition(listing, LISTING_WORKFLOW, trigger, actor=request.user, data=request.POST)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已办理：{LISTING_WORKFLOW.label_of(trigger)}")
    return redirect(listing.get_absolute_url())


@login_required
@require_POST
def listing_register(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing(request, pk)
    try:
        trading.bidder_register(listing=listing, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已报名竞买，等待科技局审核竞买资格")
    return redirect(listing.get_absolute_url())


@login_required
@require_POST
def bid(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _listing(request, pk)
    if trading.approved_registration(listing, request.user) is None:
        raise PermissionDenied("本单位尚未通过竞买资格审核，不能出价")
    form = BidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "出价（元）：请填写正整数金额")
        return redirect(listing.get_absolute_url())
    try:
        b = trading.place_bid(listing_id=listing.pk, amount=form.cleaned_data["amount"], actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"出价 {b.amount} 元已受理，当前领先")
    return redirect(listing.get_absolute_url())


@login_required
@require_POST
def registration_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_bureau(request.user, "仅科技局工作人员可以审核竞买资格")
    reg = get_object_or_404(BidderRegistration, pk=pk)
    try:
        trading.registration_decide(registration=reg, trigger=request.POST.get("trigger", ""), data=request.POST,
                                    actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{reg.organisation}：{reg.get_status_display()}")
    return redirect(reg.listing.get_absolute_url())


def disclosure_list(request: HttpRequest) -> HttpResponse:
    qs = Disclosure.objects.select_related("achievement")
    kind = request.GET.get("kind", "")
    if kind in ("result", "pre_deal"):
        qs = qs.filter(kind=kind)
    return render(request, "deals/disclosure_list.html",
                  {"page": Paginator(qs, 20).get_page(request.GET.get("page")), "kind": kind})


def disclosure_detail(request: HttpRequest, pk: int, form: ObjectionForm | None = None) -> HttpResponse:
    d = get_object_or_404(Disclosure, pk=pk)
    objections = Objection.objects.restrict(request.user, "view").filter(disclosure=d) \
        if request.user.is_authenticated else Objection.objects.none()
    return render(request, "deals/disclosure_detail.html", {
        "d": d, "form": form or ObjectionForm(), "objections": objections, "objection_workflow": OBJECTION_WORKFLOW,
        "counts": {"total": d.objections.count(), "open": d.objections.filter(status="open").count()}})


@login_required
@require_POST
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    d = get_object_or_404(Disclosure, pk=pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            disclosure_services.objection_create(disclosure=d, text=form.cleaned_data["text"], actor=request.user)
        except ApplicationError as exc:
            form.add_error("text", exc.message)
        else:
            messages.success(request, "异议已提交，科技局将处理并告知结果")
            return redirect(d.get_absolute_url())
    return disclosure_detail(request, pk, form=form)


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    require_bureau(request.user, "仅科技局工作人员可以处理异议")
    o = get_object_or_404(Objection, pk=pk)
    try:
        disclosure_services.objection_resolve(objection=o, trigger=request.POST.get("trigger", ""),
                                              data=request.POST, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"异议已处理：{o.get_status_display()}")
    return redirect(o.disclosure.get_absolute_url())

