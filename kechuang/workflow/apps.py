from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "kechuang.workflow"
    label = "workflow"
    verbose_name = "流程与通知"
