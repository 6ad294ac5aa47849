"""REST API of deals, listings, bids and disclosures, with the pages' access rules.

- ``/api/deals/``: parties' members, the deal's broker and bureau staff (``restrict``); others see none.
  ``POST /api/deals/`` opens one (demand and/or achievement); ``POST /api/deals/{id}/step/`` takes a workflow step.
- ``/api/listings/``: public once published; ``POST /api/listings/{id}/bid/`` places a bid (approved bidders).
- ``/api/bids/``: the bids of published listings, bidders by number only.
- ``/api/disclosures/``: public; ``POST /api/disclosures/{id}/objection/`` for signed-in users.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kechuang.core.api import RestrictedViewSetMixin
from kechuang.deals import disclosure, services, trading
from kechuang.deals.choices import ListingStatus
from kechuang.deals.models import Bid, Deal, Disclosure, MatchEvent, TradeListing
from kechuang.market.choices import Status as MarketStatus
from kechuang.market.models import Achievement, Demand


class DealSerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default="")
    institute_name = serializers.CharField(source="institute.name", read_only=True, default="")
    broker_name = serializers.CharField(source="broker.__str__", read_only=True, default="")

    class Meta:
        model = Deal
        fields = ["id", "title", "stage", "stage_label", "enterprise", "enterprise_name", "institute",
                  "institute_name", "demand", "achievement", "broker_name", "origin", "next_action",
                  "next_action_on", "mode", "price_yuan", "termination_reason", "contract", "signed_at",
                  "registered_at", "created_at"]
        read_only_fields = fields


OPEN_SCHEMA = inline_serializer("DealOpen", {"demand": serializers.IntegerField(required=False),
                                             "achievement": serializers.IntegerField(required=False)})
STEP_SCHEMA = inline_serializer("DealStep", {"trigger": serializers.CharField(),
                                             "comment": serializers.CharField(required=False)})


class DealViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Deal.objects.select_related("enterprise", "institute", "broker").order_by("-id")
    serializer_class = DealSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["stage"]

    @extend_schema(summary="发起商洽", request=OPEN_SCHEMA, responses=DealSerializer)
    def create(self, request: Request) -> Response:
        def pick(model: Any, name: str) -> Any:
            value = request.data.get(name)
            if not value:
                return None
            obj = model.objects.filter(pk=value, status=MarketStatus.PUBLISHED).first()
            if obj is None:
                raise serializers.ValidationError({name: ["找不到该已发布记录"]})
            return obj

        deal = services.deal_open(actor=request.user, demand=pick(Demand, "demand"),
                                  achievement=pick(Achievement, "achievement"))
        return Response(DealSerializer(deal).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="办理商洽步骤（开始对接、进入洽谈、签约、确认已登记、终止）", request=STEP_SCHEMA,
                   responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk: str | None = None) -> Response:
        deal = self.get_object()
        services.deal_transition(deal=deal, trigger=str(request.data.get("trigger", "")), actor=request.user,
                                 data={k: v for k, v in request.data.items() if k != "trigger"})
        return Response(DealSerializer(deal).data)


class ListingSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    achievement_title = serializers.CharField(source="achievement.title", read_only=True)
    minimum_bid = serializers.IntegerField(read_only=True)

    class Meta:
        model = TradeListing
        fields = ["id", "achievement", "achievement_title", "mode", "status", "status_label", "reserve_price",
                  "deposit", "step", "starts_at", "ends_at", "extension_minutes", "current_price", "bid_count",
                  "minimum_bid"]
        read_only_fields = fields


class BidSerializer(serializers.ModelSerializer):
    bidder_number = serializers.IntegerField(source="registration_id", read_only=True)

    class Meta:
        model = Bid
        fields = ["id", "listing", "bidder_number", "amount", "created_at"]
        read_only_fields = fields


BID_SCHEMA = inline_serializer("BidPlace", {"amount": serializers.IntegerField()})


class ListingViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = TradeListing.objects.select_related("achievement").order_by("-id")
    serializer_class = ListingSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["status"]

    @extend_schema(summary="出价（须已通过竞买资格审核）", request=BID_SCHEMA, responses=BidSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def bid(self, request: Request, pk: str | None = None) -> Response:
        listing = self.get_object()
        try:
            amount = int(str(request.data.get("amount", "")))
        except (TypeError, ValueError):
            raise serializers.ValidationError({"amount": ["出价（元）应为整数"]}) from None
        b = trading.place_bid(listing_id=listing.pk, amount=amount, actor=request.user)
        return Response(BidSerializer(b).data, status=status.HTTP_201_CREATED)


class BidViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Bid.objects.exclude(listing__status=ListingStatus.DRAFT).order_by("-id")
    serializer_class = BidSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["listing"]


class DisclosureSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    in_period = serializers.BooleanField(read_only=True)

    class Meta:
        model = Disclosure
        fields = ["id", "kind", "kind_label", "achievement", "title", "seller_name", "buyer_name", "price_yuan",
                  "mode", "starts_on", "ends_on", "in_period"]
        read_only_fields = fields


OBJECTION_SCHEMA = inline_serializer("ObjectionCreate", {"text": serializers.CharField()})


class DisclosureViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Disclosure.objects.order_by("-starts_on", "-id")
    serializer_class = DisclosureSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["kind"]

    @extend_schema(summary="对公示提出异议（登录用户）", request=OBJECTION_SCHEMA,
                   responses=inline_serializer("ObjectionCreated", {"id": serializers.IntegerField()}))
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def objection(self, request: Request, pk: str | None = None) -> Response:
        o = disclosure.objection_create(disclosure=self.get_object(), text=str(request.data.get("text", "")),
                                        actor=request.user)
        return Response({"id": o.pk}, status=status.HTTP_201_CREATED)


class EventSerializer(serializers.ModelSerializer):
    figures = serializers.SerializerMethodField(help_text="报名单位、签到、洽谈、意向、转入商洽、签约、合同登记")

    class Meta:
        model = MatchEvent
        fields = ["id", "title", "theme", "starts_at", "place", "online", "capacity", "figures"]
        read_only_fields = fields

    @extend_schema_field(inline_serializer("EventFigures", {k: serializers.IntegerField() for k in (
        "participants", "checked_in", "meetings", "intentions", "deals", "signed", "registered")}))
    def get_figures(self, obj: MatchEvent) -> dict[str, int]:
        from kechuang.deals import events

        return events.statistics(obj)


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: the events and their figures (who meets whom stays on the pages, for participants and staff)."""

    queryset = MatchEvent.objects.order_by("-starts_at")
    serializer_class = EventSerializer
    permission_classes = [permissions.AllowAny]


def register(router: Any) -> None:
    router.register("deals", DealViewSet, basename="deal")
    router.register("listings", ListingViewSet, basename="trade-listing")
    router.register("bids", BidViewSet, basename="bid")
    router.register("disclosures", DisclosureViewSet, basename="disclosure")
    router.register("events", EventViewSet, basename="match-event")
