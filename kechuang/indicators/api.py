"""REST API of the indicator registry.

``GET /api/indicators/`` (public): every indicator with its targets (quoted clause as ``source``), its latest
figure and the status of its nearest open target. ``GET /api/indicators/{code}/observations/`` (public): the
current figures, ``?history=1`` with superseded revisions; ``POST`` (bureau staff only) records a figure — a
new revision when one exists for the same region and date.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kechuang.core.exceptions import ApplicationError
from kechuang.indicators import selectors, services
from kechuang.indicators.choices import Method
from kechuang.indicators.models import Indicator, Observation


class IsBureauForWrites(permissions.BasePermission):
    message = "只有科技局工作人员可以填报观测值"

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and getattr(request.user, "is_bureau", False))


TARGET = inline_serializer("IndicatorTarget", {
    "region": serializers.CharField(help_text="GB/T 2260 行政区划代码"), "year": serializers.IntegerField(),
    "value": serializers.DecimalField(max_digits=20, decimal_places=4), "comparator": serializers.CharField(
        help_text=">=、> 或 <="), "source": serializers.CharField(help_text="来源文件原文条款（逐字引用）"),
}, many=True)


def _targets(targets: list[Any]) -> list[dict[str, Any]]:
    return [{"region": t.region_code, "year": t.year, "value": f"{t.value:.4f}", "comparator": t.comparator,
             "source": t.source} for t in targets]


class ObservationSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_code")
    value = serializers.DecimalField(max_digits=30, decimal_places=10)
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Observation
        fields = ["id", "region", "date", "value", "method", "method_label", "source", "revision", "current",
                  "superseded_by", "created_at"]
        read_only_fields = ["id", "method", "method_label", "revision", "current", "superseded_by", "created_at"]


LATEST = inline_serializer("IndicatorLatest", {"date": serializers.DateField(), "value": serializers.CharField(),
                                               "source": serializers.CharField()}, allow_null=True)
ROW = inline_serializer("IndicatorRow", {
    "code": serializers.CharField(), "name": serializers.CharField(), "unit": serializers.CharField(),
    "direction": serializers.CharField(help_text="higher 越高越好；lower 越低越好"),
    "targets": TARGET, "latest": LATEST,
    "status": serializers.CharField(allow_null=True, help_text="达标、按期可达、有风险、滞后或暂无数据"),
}, many=True)


@extend_schema_serializer(many=False)  # one object {count, results}, though the list action would make it an array
class IndicatorListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = ROW


LIST = IndicatorListSerializer


def _row(summary: dict[str, Any]) -> dict[str, Any]:
    ind, latest = summary["indicator"], summary["latest"]
    return {
        "code": ind.code, "name": ind.name, "unit": ind.unit, "direction": ind.direction,
        "targets": _targets(summary["targets"]),
        "latest": {"date": latest.date.isoformat(), "value": str(latest.value.normalize()), "source": latest.source}
        if latest else None,
        "status": summary["status"],
    }


class IndicatorViewSet(viewsets.GenericViewSet):
    queryset = Indicator.objects.all().prefetch_related("targets")
    lookup_field = "code"
    permission_classes = [IsBureauForWrites]
    pagination_class = None
    filter_backends: list[Any] = []
    serializer_class = ObservationSerializer

    @extend_schema(summary="评价指标及目标、最新值、状态（公开）", responses=LIST)
    def list(self, request: Request) -> Response:
        today = timezone.localdate()
        indicators = list(self.get_queryset())
        series = selectors.summary_series(indicators)
        results = [_row(selectors.indicator_summary(i, series, today)) for i in indicators]
        return Response({"count": len(results), "results": results})

    @extend_schema(methods=["GET"], summary="指标观测值（公开）", responses=ObservationSerializer(many=True),
                   parameters=[OpenApiParameter("region", str, description="行政区划代码"),
                               OpenApiParameter("history", bool, description="1：含已被修订的旧版本")])
    @extend_schema(methods=["POST"], summary="填报观测值（仅科技局工作人员）", request=ObservationSerializer,
                   responses={201: ObservationSerializer})
    @action(detail=True, methods=["get", "post"], url_path="observations", url_name="observations")
    def observations(self, request: Request, code: str | None = None) -> Response:
        ind = get_object_or_404(Indicator, code=code)
        if request.method == "POST":
            data = ObservationSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            v = data.validated_data
            try:
                row = services.record_observation(ind, v["region_code"], v["date"], v["value"],
                                                  method=Method.ENTERED, source=v["source"], actor=request.user)
            except ApplicationError as exc:
                return Response({exc.field or "detail": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
            return Response(ObservationSerializer(row).data, status=status.HTTP_201_CREATED)
        qs = ind.observations.order_by("region_code", "date", "revision")
        if request.query_params.get("history") not in ("1", "true"):
            qs = qs.filter(superseded_by__isnull=True)
        if request.query_params.get("region"):
            qs = qs.filter(region_code=request.query_params["region"])
        return Response(ObservationSerializer(qs, many=True).data)


def register(router: Any) -> None:
    router.register("indicators", IndicatorViewSet, basename="indicator")
