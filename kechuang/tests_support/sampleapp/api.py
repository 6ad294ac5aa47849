from __future__ import annotations

from typing import Any

from rest_framework import permissions, serializers

from kechuang.core.api import RestrictedReadOnlyViewSet
from kechuang.tests_support.sampleapp.models import SampleRequest


class SampleRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = SampleRequest
        fields = ["id", "organisation", "title", "status"]


class SampleRequestViewSet(RestrictedReadOnlyViewSet):
    queryset = SampleRequest.objects.order_by("pk")
    serializer_class = SampleRequestSerializer
    permission_classes = [permissions.IsAuthenticated]


def register(router: Any) -> None:
    router.register("sample-requests", SampleRequestViewSet, basename="sample-request")
