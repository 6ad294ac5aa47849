from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = request.user.notifications.all()[:100]  # type: ignore[union-attr]
    return render(request, "workflow/notifications.html", {"items": items})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    request.user.notifications.filter(read=False).update(read=True)  # type: ignore[union-attr]
    return render(request, "workflow/notifications.html", {"items": request.user.notifications.all()[:100]})  # type: ignore[union-attr]
