"""REST API of the technology market: /api/achievements/, /api/demands/, their match endpoints and the brokers'
verdicts on matches, /api/match-feedback/.

Reads go through ``restrict`` (RestrictedViewSetMixin): anonymous users list what is published, members of the
owning organisation also see their own drafts, writes reach only the owner's drafts. Creates and updates call
the same services as the pages; status changes go through ``POST .../{id}/transition/``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kechuang.core.api import RestrictedViewSetMixin
from kechuang.market import kinds, recommend, services
from kechuang.market.choices import Status, TransferMode
from kechuang.market.filters import AchievementFilter, DemandFilter
from kechuang.market.models import Achievement, Demand, MatchFeedback


class AchievementSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    transfer_modes = serializers.ListField(child=serializers.ChoiceField(choices=TransferMode.choices),
                                           required=False)
    keywords = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=30)
    patent_numbers = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=30)

    class Meta:
        model = Achievement
        fields = ["id", "title", "abstract", "keywords", "discipline", "industry", "maturity", "patent_numbers",
                  "transfer_modes", "price_yuan", "owner", "owner_name", "status", "review_comment",
                  "published_at", "source", "external_id", "created_at", "updated_at"]
        read_only_fields = ["owner", "status", "review_comment", "published_at", "source", "external_id",
                            "created_at", "updated_at"]


class DemandSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    keywords = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=30)

    class Meta:
        model = Demand
        fields = ["id", "title", "description", "keywords", "industry", "cooperation_mode", "budget_yuan",
                  "deadline", "region_code", "organisation", "organisation_name", "status", "review_comment",
                  "published_at", "created_at", "updated_at"]
        read_only_fields = ["organisation", "status", "review_comment", "published_at", "created_at",
                            "updated_at"]


class TransitionSerializer(serializers.Serializer):
    trigger = serializers.ChoiceField(choices=["submit", "publish", "reject", "close", "withdraw"])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class _ListingViewSet(RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    entity = ""

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        # Lists default to the public market; ?mine=1 lists the caller's organisation's records in every state.
        if self.action == "list":
            if self.request.query_params.get("mine") and getattr(self.request.user, "organisation_id", None):
                return qs.filter(**{f"{self.queryset.model.owner_field}_id": self.request.user.organisation_id})
            if not self.request.query_params.get("status"):
                return qs.filter(status=Status.PUBLISHED)
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        create = kinds.PUBLISHABLE[self.entity].create
        assert create is not None  # every publishable kind has its services
        obj = create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(obj).data, status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()  # restricted to the caller's drafts by RestrictedViewSetMixin
        serializer = self.get_serializer(obj, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        update = kinds.PUBLISHABLE[self.entity].update
        assert update is not None
        obj = update(**{self.entity: obj, "actor": request.user}, **serializer.validated_data)
        return Response(self.get_serializer(obj).data)

    @extend_schema(request=TransitionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def transition(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.listing_transition(obj=obj, trigger=data.validated_data["trigger"], actor=request.user,
                                    reason=data.validated_data["reason"])
        return Response(self.get_serializer(obj).data)


class _SharedTermSerializer(serializers.Serializer):
    term = serializers.CharField()
    contribution = serializers.FloatField()


class _NeighbourSerializer(serializers.Serializer):
    query_term = serializers.CharField()
    doc_term = serializers.CharField()
    similarity = serializers.FloatField()


class _ExplanationSerializer(serializers.Serializer):
    shared_terms = _SharedTermSerializer(many=True)
    matched_fields = serializers.ListField(child=serializers.CharField())
    matched_tags = serializers.ListField(child=serializers.CharField())
    neighbours = _NeighbourSerializer(many=True)


class MatchSerializer(serializers.Serializer):
    """One recommendation (``recommend.Recommendation.as_dict``)."""

    id = serializers.CharField(help_text="索引中的记录号，如 achievement:12")
    kind = serializers.CharField()
    object_id = serializers.CharField()
    rank = serializers.IntegerField()
    score = serializers.FloatField()
    title = serializers.CharField()
    url = serializers.CharField()
    explanation = _ExplanationSerializer()


class MatchListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = MatchSerializer(many=True)
    detail = serializers.CharField(allow_null=True, help_text="没有结果时的中文说明（如索引尚未建立）")


class AchievementViewSet(_ListingViewSet):
    queryset = Achievement.objects.select_related("owner").order_by("-published_at", "-id")
    serializer_class = AchievementSerializer
    filterset_class = AchievementFilter  # the list page's filters (one definition), plus status/owner/source
    ordering_fields = ["published_at", "title", "maturity", "price_yuan"]
    entity = "achievement"

    @extend_schema(responses=MatchListSerializer)
    @action(detail=True, methods=["get"])
    def matches(self, request: Request, pk: Any = None) -> Response:
        """Enterprises likely to need this achievement, with the explanation of each match."""
        recs, error = recommend.for_achievement(self.get_object(), request.user, k=_k(request))
        return Response({"count": len(recs), "results": [r.as_dict() for r in recs], "detail": error})


class DemandViewSet(_ListingViewSet):
    queryset = Demand.objects.select_related("organisation").order_by("-published_at", "-id")
    serializer_class = DemandSerializer
    filterset_class = DemandFilter  # the list page's filters, plus status/cooperation_mode/region_code/organisation
    ordering_fields = ["published_at", "deadline", "budget_yuan", "title"]
    entity = "demand"

    @extend_schema(responses=MatchListSerializer)
    @action(detail=True, methods=["get"])
    def matches(self, request: Request, pk: Any = None) -> Response:
        """Achievements (``?kind=`` expert, platform, instrument …) matching this demand, explained."""
        kinds = tuple(request.query_params.getlist("kind")) or ("achievement",)
        recs, error = recommend.for_demand(self.get_object(), request.user, kinds=kinds, k=_k(request))
        return Response({"count": len(recs), "results": [r.as_dict() for r in recs], "detail": error})


class MatchFeedbackSerializer(serializers.ModelSerializer):
    """One verdict on a match. Exactly one of ``demand`` (a demand's recommendations) or ``achievement`` (an
    achievement's recommended enterprises) names the source; ``target_kind`` and ``target_id`` name the match."""

    demand = serializers.IntegerField(required=False, allow_null=True, source="demand_id",
                                      help_text="技术需求编号（以需求找成果/专家/平台/仪器时）")
    achievement = serializers.IntegerField(required=False, allow_null=True, source="achievement_id",
                                           help_text="科技成果编号（以成果找企业时）")
    author = serializers.CharField(source="author.username", read_only=True)
    verdict_display = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = MatchFeedback
        fields = ["id", "demand", "achievement", "target_kind", "target_id", "verdict", "verdict_display", "rank",
                  "score", "note", "author", "created_at"]
        read_only_fields = ["author", "created_at"]
        extra_kwargs = {"verdict": {"error_messages": {"invalid_choice": "反馈取值无效：“{input}”"}},
                        "target_kind": {"error_messages": {"invalid_choice": "匹配对象类型无效：“{input}”"}}}


class CanGiveFeedback(permissions.BasePermission):
    """The rule of the page (kechuang.market.services.can_give_feedback): brokers and bureau staff only."""

    message = "只有技术经理人和科技局工作人员可以查看和标记匹配反馈"

    def has_permission(self, request: Request, view: Any) -> bool:
        return services.can_give_feedback(request.user)


class MatchFeedbackViewSet(RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Brokers' and staff's verdicts on recommended matches (contacted / useful / not useful).

    Same rules as the buttons on a demand's or achievement's page: brokers and bureau staff only; a broker lists
    its own verdicts, bureau staff all. Verdicts are append-only (the latest per pair counts): no update or delete.
    """

    queryset = MatchFeedback.objects.select_related("author").order_by("-created_at", "-id")
    serializer_class = MatchFeedbackSerializer
    permission_classes = [permissions.IsAuthenticated, CanGiveFeedback]
    filterset_fields = ["demand", "achievement", "target_kind", "verdict"]
    ordering_fields = ["created_at", "rank", "score"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        demand_id, achievement_id = data.pop("demand_id", None), data.pop("achievement_id", None)
        if (demand_id is None) == (achievement_id is None):
            raise serializers.ValidationError({"detail": ["请指明反馈针对的技术需求（demand）或科技成果（achievement）之一"]})
        source: dict[str, Any] = {}
        if demand_id is not None:
            source["demand"] = Demand.objects.restrict(request.user, "view").filter(pk=demand_id).first()
            if source["demand"] is None:
                raise serializers.ValidationError({"demand": ["技术需求不存在或无权访问"]})
        else:
            source["achievement"] = Achievement.objects.restrict(request.user, "view").filter(
                pk=achievement_id).first()
            if source["achievement"] is None:
                raise serializers.ValidationError({"achievement": ["科技成果不存在或无权访问"]})
        fb = services.match_feedback_record(actor=request.user, **source, **data)
        return Response(self.get_serializer(fb).data, status=201)


def _k(request: Request) -> int:
    try:
        return max(1, min(50, int(request.query_params.get("k", 10))))
    except ValueError:
        return 10


def register(router: Any) -> None:
    router.register("achievements", AchievementViewSet, basename="achievement")
    router.register("demands", DemandViewSet, basename="demand")
    router.register("match-feedback", MatchFeedbackViewSet, basename="match-feedback")
