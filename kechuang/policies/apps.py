from __future__ import annotations

from typing import Any

from django.apps import AppConfig

from kechuang.core.panels import Panel


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

    def workspace_panels(self, user: Any) -> list[Panel]:
        from kechuang.policies.choices import ApplicationStatus, PushStatus
        from kechuang.policies.models import Application, Push

        panels: list[Panel] = []
        if getattr(user, "is_bureau", False):
            open_apps = Application.objects.filter(status__in=[
                ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEWED,
                ApplicationStatus.PUBLICISED]).count()
            panels.append(Panel(title="在办政策兑现申报", count=open_apps, url_name="policies:application_list",
                                queue=True))
            panels.append(Panel(title="待审核免申即享推送", count=Push.objects.filter(status=PushStatus.PENDING).count(),
                                url_name="policies:push_list", queue=True))
        elif getattr(user, "organisation_id", None):
            panels.append(Panel(title="政策计算器与申报", count=Application.objects.restrict(user, "view").count(),
                                url_name="policies:calculator_home", template="policies/_workspace_panel.html"))
        return panels
