from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "kechuang.policies"
    label = "policies"
    verbose_name = "政策兑现"

    def ready(self) -> None:
        # Register the 免申即享 batch as a recorded job kind once the app registry is ready.
        from kechuang.core import jobs
        from kechuang.policies import services

        jobs.register(services.PUSH_JOB, services.push_batch_job)

    def home_counts(self) -> dict[str, Any]:
        from kechuang.policies.rules import measures

        return {"measures": len(measures())}

    def workspace_panels(self, user: Any) -> list[dict[str, Any]]:
        from kechuang.policies.choices import ApplicationStatus, PushStatus
        from kechuang.policies.models import Application, Push

        panels: list[dict[str, Any]] = []
        if getattr(user, "is_bureau", False):
            open_apps = Application.objects.filter(status__in=[
                ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEWED,
                ApplicationStatus.PUBLICISED]).count()
            panels.append({"title": "在办政策兑现申报", "count": open_apps, "url": "/policies/applications/",
                           "queue": True})
            panels.append({"title": "待审核免申即享推送", "count": Push.objects.filter(status=PushStatus.PENDING).count(),
                           "url": "/policies/pushes/", "queue": True})
        elif getattr(user, "organisation_id", None):
            panels.append({"title": "政策计算器与申报", "count": Application.objects.restrict(user, "view").count(),
                           "url": "/policies/calculator/", "template": "policies/_workspace_panel.html",
                           "queue": False})
        return panels
