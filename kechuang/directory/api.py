"""REST collections of the directory, with the same permissions (``restrict``) and filters as the pages.

Anyone reads what is public; contact fields are left out of a response entirely (not blanked) unless
``contacts.py`` allows them to this user, so a scraper learns nothing from the field list either.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from typing import Any

from rest_framework import serializers
from rest_framework.response import Response

from kechuang.core import regions
from kechuang.core.api import RestrictedReadOnlyViewSet
from kechuang.core.pagination import Pagination
from kechuang.directory import contacts
from kechuang.directory.choices import (
    RevealChannel,
)
from kechuang.directory.filters import InstrumentFilter, OrganisationFilter, PersonFilter, PlatformFilter
from kechuang.directory.models import (
    Instrument,
    Organisation,
    Person,
    Platform,
    Qualification,
)
from kechuang.directory.selectors import (
    CachedCountPaginator,
    chains_of,
    count_cache_key,
    count_cap,
    count_note,
)


class ContactHidingSerializer(serializers.ModelSerializer):
    """Official contacts (an organisation's, an instrument's): only for approved accounts and the organisation's
    own members (contacts.py); left out of the response entirely, not blanked."""

    contact_fields: tuple[str, ...] = ()

    def owner_id(self, instance: Any) -> Any:
        return getattr(instance, "organisation_id", None)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = request.user if request is not None else None
        if not contacts.can_see_official_contacts(user, self.owner_id(instance)):
            for name in self.contact_fields:
                data.pop(name, None)
        return data


class QualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = ["kind", "level", "recognised_on", "valid_until", "certificate_no"]


class OrganisationSerializer(ContactHidingSerializer):
    contact_fields = ("contact_name", "contact_phone", "contact_email")

    def owner_id(self, instance: Any) -> Any:
        return instance.pk
    industry_chains: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    qualifications = QualificationSerializer(many=True, read_only=True)
    region_name = serializers.CharField(read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "credit_code", "region_code", "region_name", "established_on",
                  "industry_chains", "business_scope", "introduction", "employees", "address", "website",
                  "qualifications", "contact_name", "contact_phone", "contact_email", "status"]


class PersonSerializer(serializers.ModelSerializer):
    """A person's phone and email only where ``contacts.ContactGate`` allows it (consent, approved account,
    daily limit); each one shown is logged. Without a gate in the context, never."""

    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default=None)

    class Meta:
        model = Person
        fields = ["id", "name", "kind", "grade", "talent_programme", "title", "fields", "organisation",
                  "organisation_name", "region_code", "bio", "phone", "email"]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        gate = self.context.get("contact_gate")
        if gate is None or not gate.reveal(instance):
            for name in Person.CONTACT_FIELDS:
                data.pop(name, None)
        return data


class PlatformSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    industry_chains: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Platform
        fields = ["id", "name", "kind", "level", "organisation", "organisation_name", "recognised_on", "fields",
                  "industry_chains", "description"]


class InstrumentSerializer(ContactHidingSerializer):
    contact_fields = Instrument.CONTACT_FIELDS
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Instrument
        fields = ["id", "name", "model_number", "manufacturer", "category", "original_value_yuan", "organisation",
                  "organisation_name", "location", "sharing_terms", "fee", "contact_phone"]


class CountCachingPagination(Pagination):
    """The project's pagination shape, with the directory's one-minute count cache (see selectors); a search
    counts its matches only up to ``selectors.SEARCH_COUNT_CAP``: past it ``count`` is that lower bound,
    ``count_exact`` is false and ``count_note`` says so in Chinese (``next`` keeps working page after page)."""

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        key = count_cache_key(f"api-{getattr(view, 'basename', '')}", request.user, request.query_params)
        # "?page=last" needs the exact total to find the last page.
        last = request.query_params.get(self.page_query_param) in self.last_page_strings
        cap = None if last else count_cap(request.query_params)
        self.django_paginator_class = functools.partial(  # type: ignore[assignment]
            CachedCountPaginator, cache_key=key, cap=cap)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Any:
        assert self.page is not None
        paginator: Any = self.page.paginator
        exact = bool(getattr(paginator, "count_exact", True))
        body: dict[str, Any] = {"count": paginator.count if exact else paginator.count_floor, "count_exact": exact}
        if not exact:
            body["count_note"] = count_note(paginator.count_floor)
        return Response({**body, "next": self.get_next_link(), "previous": self.get_previous_link(),
                         "results": data})

    def get_paginated_response_schema(self, schema: Any) -> Any:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count"]["description"] = "结果总数；count_exact 为 false 时是下限（实际多于此数）"
        out["properties"]["count_exact"] = {"type": "boolean", "description": "count 是否为精确总数"}
        out["properties"]["count_note"] = {"type": "string", "description": "count 为下限时的说明"}
        out["required"] = [*out.get("required", []), "count_exact"]
        return out


class DirectoryViewSet(RestrictedReadOnlyViewSet):
    pagination_class = CountCachingPagination


def _plain(value: Any) -> Any:
    # What DRF's DateField gives (ISO 8601 text); the other columns are text, integers or None already.
    return value.isoformat() if isinstance(value, dt.date) else value


ORGANISATION_COMPUTED = ("region_name", "industry_chains", "qualifications")
ORGANISATION_COLUMNS = [f for f in OrganisationSerializer.Meta.fields if f not in ORGANISATION_COMPUTED]


def organisation_rows(rows: list[dict[str, Any]], *, with_contacts: bool) -> list[dict[str, Any]]:
    """``OrganisationSerializer(many=True).data`` for a page of ``values(*ORGANISATION_COLUMNS)`` rows, built
    from three plain queries (rows, chain links, qualifications) instead of model instances, two prefetches and
    a nested serializer per row: at 100,000 organisations that was 9 of the API list's 12 ms per request.
    ``test_api_fast_list`` compares the two outputs field by field, so a field added to the serializer and
    forgotten here fails the suite."""
    ids = [row["id"] for row in rows]
    chains = chains_of(Organisation, ids)
    qual_fields = QualificationSerializer.Meta.fields
    quals: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for q in (Qualification.objects.filter(organisation_id__in=ids).order_by("organisation_id", "-recognised_on")
              .values("organisation_id", *qual_fields)):
        quals[q["organisation_id"]].append({f: _plain(q[f]) for f in qual_fields})
    hidden = () if with_contacts else OrganisationSerializer.contact_fields
    out = []
    for row in rows:
        computed = {"region_name": regions.name_of(row["region_code"]),
                    "industry_chains": [code for code, _ in chains[row["id"]]], "qualifications": quals[row["id"]]}
        out.append({f: computed[f] if f in computed else _plain(row[f])
                    for f in OrganisationSerializer.Meta.fields if f not in hidden})
    return out


class OrganisationViewSet(DirectoryViewSet):
    queryset = Organisation.objects.all().order_by("name", "id").prefetch_related("industry_chains", "qualifications")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "created_at", "employees", "established_on"]

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # Same filters, ordering, permissions and pagination as the generic list; only the rows are built
        # without the serializer (see organisation_rows). Detail responses still use the serializer.
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginate_queryset(queryset.values(*ORGANISATION_COLUMNS))
        rows = organisation_rows(list(page or []), with_contacts=contacts.is_approved_account(request.user))
        return self.get_paginated_response(rows)


class PersonViewSet(DirectoryViewSet):
    queryset = Person.objects.all().order_by("name", "id").select_related("organisation")
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    ordering_fields = ["name", "created_at"]

    def contact_gate(self) -> contacts.ContactGate:
        gate = getattr(self, "_contact_gate", None)
        if gate is None:
            gate = self._contact_gate = contacts.ContactGate(self.request.user, RevealChannel.API)
        return gate

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "contact_gate": self.contact_gate()}

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        gate = getattr(self, "_contact_gate", None)
        if gate is not None:
            gate.flush()  # the reveals of this response, in one INSERT
            if gate.limited and isinstance(response.data, dict):
                response.data["contact_note"] = gate.note
        return super().finalize_response(request, response, *args, **kwargs)


class PlatformViewSet(DirectoryViewSet):
    queryset = Platform.objects.all().order_by("name", "id").select_related("organisation").prefetch_related(
        "industry_chains")
    serializer_class = PlatformSerializer
    filterset_class = PlatformFilter
    ordering_fields = ["name", "recognised_on", "created_at"]


class InstrumentViewSet(DirectoryViewSet):
    queryset = Instrument.objects.all().order_by("name", "id").select_related("organisation")
    serializer_class = InstrumentSerializer
    filterset_class = InstrumentFilter
    ordering_fields = ["name", "original_value_yuan", "created_at"]


def register(router) -> None:  # type: ignore[no-untyped-def]
    router.register("organisations", OrganisationViewSet, basename="organisation")
    router.register("people", PersonViewSet, basename="person")
    router.register("platforms", PlatformViewSet, basename="platform")
    router.register("instruments", InstrumentViewSet, basename="instrument")
