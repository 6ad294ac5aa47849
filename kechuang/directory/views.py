from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kechuang.core import regions
from kechuang.directory.choices import OrganisationKind
from kechuang.directory.models import Organisation


def organisation_list(request: HttpRequest) -> HttpResponse:
    qs = Organisation.objects.restrict(request.user, "view")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(business_scope__icontains=q))
    if kind := request.GET.get("kind"):
        qs = qs.filter(kind=kind)
    if region := request.GET.get("region"):
        qs = qs.filter(region_code=region)
    page = Paginator(qs.order_by("name"), 20).get_page(request.GET.get("page"))
    return render(request, "directory/organisation_list.html", {
        "page": page, "q": q, "kinds": OrganisationKind.choices, "regions": regions.choices("5301"),
    })


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation.objects.restrict(request.user, "view"), pk=pk)
    return render(request, "directory/organisation_detail.html", {"org": org})
