"""A small app used only by kechuang/core/tests/test_add_an_app.py: it follows docs/add-an-app.md and is picked up
by discovery (urls, api, access, demo, workspace panels) without a line changed in any other app."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig

from kechuang.core.panels import Panel


class SampleConfig(AppConfig):
    name = "kechuang.tests_support.sampleapp"
    label = "sample"
    verbose_name = "示例申请"
    default_auto_field = "django.db.models.BigAutoField"

    def workspace_panels(self, user: Any) -> list[Panel]:
        from kechuang.tests_support.sampleapp.models import SampleRequest

        if not getattr(user, "organisation_id", None):
            return []
        return [Panel(title="我的示例申请", url_name="sample:mine",
                      count=SampleRequest.objects.restrict(user, "view").count())]
