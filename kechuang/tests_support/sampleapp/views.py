from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from kechuang.core.permissions import AuthenticatedHttpRequest, get_restricted_or_404
from kechuang.tests_support.sampleapp.models import SampleRequest


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    titles = SampleRequest.objects.restrict(request.user, "view").values_list("title", flat=True)
    return HttpResponse("、".join(titles) or "还没有示例申请")


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = get_restricted_or_404(SampleRequest, request.user, "view", pk=pk)
    return HttpResponse(f"{obj.title}（{obj.get_status_display()}）")
