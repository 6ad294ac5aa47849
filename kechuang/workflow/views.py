from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from kechuang.core.permissions import AuthenticatedHttpRequest


@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = request.user.notifications.all()[:100]
    return render(request, "workflow/notifications.html", {"items": items})


@login_required
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.user.notifications.filter(read=False).update(read=True)
    return render(request, "workflow/notifications.html", {"items": request.user.notifications.all()[:100]})
