from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WorkflowConfig(AppConfig):
    name = "kechuang.workflow"
    label = "workflow"
    verbose_name = "流程与通知"

    def ready(self) -> None:
        from kechuang.workflow import calendar
        from kechuang.workflow.models import HolidayDay, HolidayYear

        # A holiday entered in the admin takes effect at once in this process (others reload within minutes).
        for model in (HolidayDay, HolidayYear):
            post_save.connect(calendar.clear_cache, sender=model, dispatch_uid=f"calendar-{model.__name__}-save")
            post_delete.connect(calendar.clear_cache, sender=model, dispatch_uid=f"calendar-{model.__name__}-del")
