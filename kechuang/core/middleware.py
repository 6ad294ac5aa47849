from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kechuang.core.audit import acting_as


class AuditActorMiddleware:
    """Make the signed-in user the actor of every audit row written while handling the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        with acting_as(user if user is not None and user.is_authenticated else None):
            return self.get_response(request)
