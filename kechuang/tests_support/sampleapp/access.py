from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

ACCESS_MATRIX: dict[str, str] = {
    "sample:mine": "login",
    "sample:detail": OBJECT,  # members of the applying organisation and bureau; others 404
    "sample-request-list": "login",
    "sample-request-detail": OBJECT,
}


def _request(world: Any) -> Any:
    from kechuang.tests_support.sampleapp.models import SampleRequest

    return SampleRequest.objects.create(organisation=world.enterprise_org, title="示例申请一")


ACCESS_CASES = [
    Case("sample:detail", {"anonymous": LOGIN, "outsider": 404, "broker": 404, "enterprise": 200, "staff": 200},
         obj=_request),
    Case("sample-request-detail", {"anonymous": LOGIN, "outsider": 404, "enterprise": 200, "staff": 200},
         obj=_request),
]
