"""REST API: /api/scores/ (stored score results: own organisation's, a bank's consenting enterprises', bureau
all; each with its full explanation) and /api/score-model/ (the active model, public)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kechuang.core.api import RestrictedViewSetMixin
from kechuang.scores import services
from kechuang.scores.models import ScoreResult


class ScoreResultSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    model_version = serializers.CharField(source="model_version.version", read_only=True)
    as_of = serializers.DateField(source="run.as_of", read_only=True)
    result = serializers.JSONField(help_text="每项指标的数据、来源、得分与理由，分类小计，排名，档次，提升建议")

    class Meta:
        model = ScoreResult
        fields = ["id", "organisation", "organisation_name", "as_of", "model_version", "total", "stage",
                  "stage_label", "tier", "tier_label", "percentile", "result"]


class ScoreResultViewSet(RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """Stored results, newest run first. An enterprise sees its own; a bank or insurer only the enterprises
    that consent to it now; bureau staff all. Results are never recomputed in place."""

    queryset = ScoreResult.objects.select_related("organisation", "model_version", "run").order_by("-run_id",
                                                                                                  "-total")
    serializer_class = ScoreResultSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["organisation", "tier", "stage", "run"]


class ModelLineSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="model（首行：模型说明）或 indicator（每项指标）")


class ScoreModelViewSet(viewsets.ViewSet):
    """The active score model as JSON lines in a list: the model header, then one item per indicator."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ModelLineSerializer

    @extend_schema(operation_id="score_model_list", responses=ModelLineSerializer(many=True))
    def list(self, request: Request) -> Response:
        mv = services.active_model_version()
        return Response(services.engine_model(mv).json_lines())


def register(router: Any) -> None:
    router.register("scores", ScoreResultViewSet, basename="score-result")
    router.register("score-model", ScoreModelViewSet, basename="score-model")
