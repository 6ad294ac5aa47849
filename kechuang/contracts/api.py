"""REST API of technology contracts.

``/api/contracts/`` and ``/api/contracts/{id}/``: signed-in users only, through ``restrict`` — a party's members
see the contracts their organisation sells or buys, registrars see all, anyone else sees none. The public sees
only the statistics: ``GET /api/contracts/stats/?year=YYYY&by=type|field|month|region&scope=output|input``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from kechuang.contracts import stats as contract_stats
from kechuang.contracts.models import Contract
from kechuang.core.api import RestrictedViewSetMixin


class ContractSerializer(serializers.ModelSerializer):
    contract_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    transaction_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # Plain strings: both parties share one code list (PartyNature), which would otherwise appear as two enums.
    seller_nature = serializers.CharField(read_only=True, help_text="卖方性质代码（JJ-001）")
    buyer_nature = serializers.CharField(read_only=True, help_text="买方性质代码（JJ-001）")

    class Meta:
        model = Contract
        fields = ["id", "registration_number", "title", "contract_type", "sub_type", "technology_field",
                  "signed_on", "valid_from", "valid_to", "registered_on", "seller_name", "seller_credit_code",
                  "seller_region_code", "seller_nature", "buyer_name", "buyer_credit_code", "buyer_region_code",
                  "buyer_nature", "contract_amount", "transaction_amount", "deductions", "status", "status_label",
                  "accepted_on", "deadline_on", "refusal_reason", "source"]
        read_only_fields = fields


_ROW: dict[str, Any] = {"key": serializers.CharField(), "label": serializers.CharField(), "count": serializers.IntegerField(),
        "contract_amount": serializers.CharField(help_text="元，两位小数"),
        "transaction_amount": serializers.CharField(help_text="元，两位小数")}
STATS_SCHEMA = inline_serializer("ContractStats", {
    "year": serializers.IntegerField(), "by": serializers.CharField(), "scope": serializers.CharField(),
    "results": inline_serializer("ContractStatsRow", _ROW, many=True),
    "total": inline_serializer("ContractStatsTotal", {k: v for k, v in _ROW.items() if k not in ("key", "label")}),
})


class ContractViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Contract.objects.all().order_by("-id")
    serializer_class = ContractSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status", "contract_type", "technology_field"]

    @extend_schema(
        summary="技术合同登记统计（公开）",
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="年度，默认本年"),
            OpenApiParameter("by", OpenApiTypes.STR, enum=list(contract_stats.BY), description="分组：类型、领域、月份、区县"),
            OpenApiParameter("scope", OpenApiTypes.STR, enum=list(contract_stats.SCOPES),
                             description="output 技术输出（卖方在本市，默认）；input 技术吸纳（买方在本市）"),
        ],
        responses=STATS_SCHEMA,
    )
    @action(detail=False, methods=["get"], url_path="stats", permission_classes=[permissions.AllowAny],
            pagination_class=None, filter_backends=[])
    def stats(self, request: Request) -> Response:
        year, by, scope = _stats_params(request, with_by=True)
        return Response(contract_stats.statistics(year, by, scope))

    @extend_schema(
        summary="技术合同登记统计摘要（公开）：千万元以上合同、平均合同额、按当事人性质、按月累计与年度目标",
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="年度，默认本年"),
                    OpenApiParameter("scope", OpenApiTypes.STR, enum=list(contract_stats.SCOPES))],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], url_path="stats/summary", permission_classes=[permissions.AllowAny],
            pagination_class=None, filter_backends=[])
    def stats_summary(self, request: Request) -> Response:
        year, _, scope = _stats_params(request, with_by=False)
        return Response({"year": year, "scope": scope, **contract_stats.summary(year, scope)})


def _stats_params(request: Request, *, with_by: bool) -> tuple[int, str, str]:
    """Validated (year, by, scope) with Chinese messages naming each bad parameter."""
    p = request.query_params
    errors: dict[str, Any] = {}
    try:
        year = int(p.get("year") or timezone.localdate().year)
        if not 1980 <= year <= 2100:
            raise ValueError
    except ValueError:
        errors["year"] = ["年度应为四位数字，如 2026"]
        year = 0
    by = p.get("by") or "type"
    if with_by and by not in contract_stats.BY:
        errors["by"] = [f"分组方式只能是 {'、'.join(contract_stats.BY)}"]
    scope = p.get("scope") or "output"
    if scope not in contract_stats.SCOPES:
        errors["scope"] = ["口径只能是 output（技术输出）或 input（技术吸纳）"]
    if errors:
        raise ValidationError(errors)
    return year, by, scope


def register(router: Any) -> None:
    router.register("contracts", ContractViewSet, basename="contract")
