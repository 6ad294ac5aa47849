"""REST API: /api/instrument-bookings/ (request a slot; own and provided bookings), /api/instrument-bills/ (billed
use of the own organisation, as customer or provider), /api/instrument-claims/ (先用后补 claims of the own
organisation; staff all). A slot already held answers 409 with the Chinese message naming it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from kechuang.core.api import RestrictedReadOnlyViewSet, RestrictedViewSetMixin
from kechuang.core.exceptions import ApplicationError
from kechuang.directory.models import Instrument
from kechuang.instruments import services
from kechuang.instruments.models import Booking, SubsidyClaim
from kechuang.instruments.statements import BILLED


class BookingSerializer(serializers.ModelSerializer):
    instrument = serializers.PrimaryKeyRelatedField(queryset=Instrument.objects.all(), help_text="仪器编号")
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    status = serializers.CharField(read_only=True, help_text="pending/approved/used/settled/refused/cancelled/no_show")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    purpose = serializers.CharField(max_length=500, help_text="用途（仅预约单位、仪器管理方和科技局可见）")

    class Meta:
        model = Booking
        fields = ["id", "instrument", "instrument_name", "organisation_name", "start", "end", "purpose", "samples",
                  "operator_needed", "status", "status_label", "price_group", "hourly_rate", "actual_start",
                  "actual_end", "charged_minutes", "amount", "cancel_fee"]
        read_only_fields = ["price_group", "hourly_rate", "actual_start", "actual_end", "charged_minutes", "amount",
                            "cancel_fee"]


class ErrorSerializer(serializers.Serializer):
    start = serializers.ListField(child=serializers.CharField(), help_text="中文说明，含已被占用的时段")


class BookingViewSet(RestrictedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Bookings of the own organisation (as customer) and of its instruments (as provider); staff see all."""

    queryset = Booking.objects.select_related("instrument", "organisation").order_by("-start", "-id")
    serializer_class = BookingSerializer
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={201: BookingSerializer, 400: OpenApiResponse(description="输入或预约规则不符"),
                              409: OpenApiResponse(ErrorSerializer, description="时段已被占用")})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not getattr(request.user, "organisation_id", None):
            raise PermissionDenied("您的账号未关联单位，不能预约仪器")
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            made = services.book(actor=request.user, requests=[services.Request(d["instrument"], d["start"], d["end"])],
                                 purpose=d["purpose"], samples=d.get("samples", 0),
                                 operator_needed=d.get("operator_needed", False))
        except services.SlotTaken as exc:
            return Response({exc.field or "detail": [exc.message]}, status=status.HTTP_409_CONFLICT)
        except ApplicationError:
            raise
        return Response(self.get_serializer(made[0]).data, status=status.HTTP_201_CREATED)


class BillSerializer(serializers.ModelSerializer):
    instrument_name = serializers.CharField(source="instrument.name", read_only=True)
    provider_name = serializers.CharField(source="instrument.organisation.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = Booking
        fields = ["id", "instrument_name", "provider_name", "organisation_name", "start", "end", "actual_start",
                  "actual_end", "status_label", "charged_minutes", "hourly_rate", "samples", "amount", "cancel_fee",
                  "total"]


class BillViewSet(RestrictedReadOnlyViewSet):
    """Billed use (已使用, 已结算, 取消费, 爽约费) of the own organisation as customer or provider."""

    queryset = Booking.objects.filter(status__in=BILLED).select_related(
        "instrument", "instrument__organisation", "organisation").order_by("-start", "-id")
    serializer_class = BillSerializer
    permission_classes = [permissions.IsAuthenticated]


class ClaimSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SubsidyClaim
        fields = ["id", "booking", "organisation_name", "provider_name", "usage_amount", "user_amount",
                  "provider_amount", "status", "status_label", "decision_reason"]


class ClaimViewSet(RestrictedReadOnlyViewSet):
    """先用后补 claims where the own organisation is the user or the provider (flags are staff's business)."""

    queryset = SubsidyClaim.objects.select_related("organisation", "provider").order_by("-id")
    serializer_class = ClaimSerializer
    permission_classes = [permissions.IsAuthenticated]


def register(router: Any) -> None:
    router.register("instrument-bookings", BookingViewSet, basename="instrument-booking")
    router.register("instrument-bills", BillViewSet, basename="instrument-bill")
    router.register("instrument-claims", ClaimViewSet, basename="instrument-claim")
