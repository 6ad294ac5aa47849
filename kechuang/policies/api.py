"""REST API: /api/policies/ (encoded measures, public), /api/applications/ (own organisation; staff all),
/api/evaluate/ (the signed-in user's own organisation through the 政策计算器)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from kechuang.core.api import RestrictedViewSetMixin
from kechuang.core.permissions import is_member_or_bureau
from kechuang.directory.models import Organisation
from kechuang.policies import rules, selectors, services
from kechuang.policies.models import Application


class MeasureSerializer(serializers.Serializer):
    """Documents the engine's ``Measure.to_json()`` for the schema; the data itself comes from the rule files."""

    id = serializers.CharField()
    policy = serializers.CharField()
    clause = serializers.CharField(help_text="条款，如（三）")
    title = serializers.CharField()
    clause_text = serializers.CharField(help_text="引用的原文")
    amount = serializers.DictField(help_text="金额形式：form, value/tiers/min/max/rate/cap …（整数元）")
    payout = serializers.DictField()
    per = serializers.CharField()
    benefit = serializers.CharField()
    beneficiary_kinds = serializers.ListField(child=serializers.CharField(), allow_null=True)
    effective_from = serializers.DateField(allow_null=True)
    effective_to = serializers.DateField(allow_null=True)
    exclusive_group = serializers.CharField(allow_null=True)
    budget_line = serializers.CharField()
    max_per_payout = serializers.IntegerField(allow_null=True)
    parameters = serializers.ListField(child=serializers.DictField(),
                                       help_text="金额与门槛的各版本：from（起始日期）、reference（依据）、amount、thresholds")


@extend_schema_serializer(many=False)  # one object (the page), though the list action would make it an array
class MeasurePageSerializer(serializers.Serializer):
    """The list comes in the shape of every paginated list (one page holding every measure)."""

    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = MeasureSerializer(many=True)


class MeasureViewSet(viewsets.ViewSet):
    """Every encoded measure with its clause, quoted text and amount form. Read-only, public."""

    permission_classes = [permissions.AllowAny]
    lookup_value_regex = r"[a-z0-9][a-z0-9._-]*"
    serializer_class = MeasureSerializer

    @extend_schema(operation_id="policies_list", responses=MeasurePageSerializer)
    def list(self, request: Request) -> Response:
        items = [m.to_json() for m in rules.measures()]
        return Response({"count": len(items), "next": None, "previous": None, "results": items})

    @extend_schema(responses=MeasureSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        m = rules.measure_or_none(pk or "")
        if m is None:
            raise NotFound("政策措施不存在")
        return Response(m.to_json())


class ApplicationSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    status = serializers.CharField(read_only=True, help_text="submitted/accepted/reviewed/publicised/paid/rejected/withdrawn")
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "organisation", "organisation_name", "measure_id", "measure_title", "year",
                  "amount_requested", "amount_approved", "status", "status_label", "description", "reject_reason",
                  "publicity_starts_on", "publicity_ends_on", "created_at", "updated_at"]
        read_only_fields = ["organisation", "measure_title", "amount_approved", "status", "reject_reason",
                            "publicity_starts_on", "publicity_ends_on"]
        extra_kwargs = {"year": {"required": False}}


class ApplicationTransitionSerializer(serializers.Serializer):
    trigger = serializers.ChoiceField(choices=["accept", "review", "publicise", "pay", "reject", "withdraw"])
    amount_approved = serializers.IntegerField(required=False, min_value=1)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ApplicationViewSet(RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Own organisation's applications (staff: all). POST submits one for the user's own organisation."""

    queryset = Application.objects.select_related("organisation").order_by("-created_at", "-id")
    serializer_class = ApplicationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status", "year", "measure_id"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        org = getattr(request.user, "organisation", None)
        if org is None:
            raise PermissionDenied("只有机构用户可以申报")
        d = ser.validated_data
        app = services.application_submit(organisation=org, measure_id=d["measure_id"],
                                          amount_requested=d["amount_requested"], year=d.get("year"),
                                          description=d.get("description", ""), actor=request.user)
        return Response(self.get_serializer(app).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ApplicationTransitionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """受理 / 审核 (with amount_approved) / 公示 / 兑现 / 驳回 (with comment): bureau staff only; 撤回: members of
        the applying organisation only. Through the same services as the pages, so the workflow table, 公示期,
        budget lock and log apply alike."""
        app = self.get_object()  # restricted: others' applications are 404
        ser = ApplicationTransitionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        if d["trigger"] != "withdraw" and not getattr(request.user, "is_bureau", False):
            raise PermissionDenied("仅科技局工作人员可以办理")
        services.application_transition(application=app, trigger=d["trigger"], actor=request.user,
                                        comment=d.get("comment", ""), amount_approved=d.get("amount_approved"))
        app.refresh_from_db()
        return Response(ApplicationSerializer(app).data)


class EvaluateViewSet(viewsets.ViewSet):
    """GET /api/evaluate/: the engine's evaluation of the user's own organisation (staff: ``?organisation=<id>``),
    with the profile used and the what-if hints, in the engine's documented JSON."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="evaluate_own_organisation", responses={200: OpenApiTypes.OBJECT},
                   parameters=[OpenApiParameter("organisation", int, description="机构编号（仅科技局工作人员）")])
    def list(self, request: Request) -> Response:
        user: Any = request.user
        org_id = request.query_params.get("organisation") or user.organisation_id
        if not org_id or not str(org_id).isdigit():
            raise PermissionDenied("只有机构用户可以使用政策计算器")
        org = Organisation.objects.filter(pk=int(org_id)).first()
        if org is None or not is_member_or_bureau(user, org):
            raise PermissionDenied("只能计算本机构的政策")
        calc = selectors.calculate(org)
        if calc.evaluation is None:
            return Response({"detail": calc.error}, status=status.HTTP_400_BAD_REQUEST)
        return Response({
            "organisation": org.pk,
            "profile": calc.data.profile,
            **calc.evaluation.to_dict(),
            "what_if": [h.to_json() for h in calc.hints],
        })


def register(router: Any) -> None:
    router.register("policies", MeasureViewSet, basename="policy-measure")
    router.register("applications", ApplicationViewSet, basename="policy-application")
    router.register("evaluate", EvaluateViewSet, basename="policy-evaluate")
