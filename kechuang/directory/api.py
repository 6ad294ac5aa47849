from rest_framework import serializers

from kechuang.core.api import RestrictedReadOnlyViewSet
from kechuang.directory.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "credit_code", "region_code", "business_scope", "employees", "status"]


class OrganisationViewSet(RestrictedReadOnlyViewSet):
    queryset = Organisation.objects.all().order_by("name")
    serializer_class = OrganisationSerializer
    filterset_fields = ["kind", "region_code"]


def register(router) -> None:  # type: ignore[no-untyped-def]
    router.register("organisations", OrganisationViewSet, basename="organisation")
