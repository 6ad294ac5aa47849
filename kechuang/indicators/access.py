"""Who may reach each URL of the indicators app (vocabulary of kechuang/core/tests/test_access_matrix.py)."""

from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

ACCESS_MATRIX: dict[str, str] = {
    "indicators:dashboard": "bureau",  # staff dashboard with the recompute button
    "indicators:display": "public",  # 大数据展示: published statistics, no personal data
    "indicators:recompute": "post-bureau",
    "indicators:import": "bureau",
    "indicators:report": "public",
    "indicators:report_pdf": "public",  # the same report as PDF
    "indicators:registry_xlsx": "public",
    "indicators:chart_xlsx": OBJECT,  # public: every chart's numbers
    "indicators:detail": OBJECT,  # public; the entry form only for staff
    "indicators:observe": OBJECT,  # POST; staff only
    "indicator-list": "public",
    "indicator-observations": OBJECT,  # GET public; POST staff only
}


def _indicator(code: str) -> Any:
    """An indicator of the registry (loaded as the demo and the recompute job load it)."""

    def make(world: Any) -> Any:
        from kechuang.indicators import registry
        from kechuang.indicators.models import Indicator

        registry.load()
        return Indicator.objects.get(code=code)

    return make


# An entered figure: 高新技术企业 on the page form, R&D 投入强度 of one district through the API.
_FORM = {"region_code": "530100", "date": "2025-12-31", "value": "1800", "source": "2025年统计公报"}
_API = {"region": "530111", "date": "2020-12-31", "value": "2.31", "source": "官渡区统计公报"}

ACCESS_CASES = [
    Case("indicators:chart_xlsx", {"anonymous": 200, "outsider": 200}, obj=lambda w: "progress",
         args=lambda chart: [chart]),
    Case("indicators:detail", {"anonymous": 200, "outsider": 200, "staff": 200}, obj=_indicator("HIGH-TECH"),
         args=lambda i: [i.code]),
    Case("indicators:observe", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "broker": 403,
                                "staff": 302}, obj=_indicator("HIGH-TECH"), args=lambda i: [i.code], method="post",
         data=_FORM),
    Case("indicator-observations", {"anonymous": 200, "outsider": 200}, obj=_indicator("TC-AMOUNT"),
         args=lambda i: [i.code], note="GET"),
    Case("indicator-observations", {"anonymous": (401, 403), "outsider": 403, "enterprise": 403, "staff": 201},
         obj=_indicator("RD-INTENSITY"), args=lambda i: [i.code], method="post", data=_API, note="POST"),
]

