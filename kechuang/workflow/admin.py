from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kechuang.workflow.models import Notification, StateChange


@admin.register(StateChange)
class StateChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "content_type", "object_id", "trigger", "from_state", "to_state", "actor")
    list_filter = ("content_type", "trigger")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("at", "recipient", "message", "read")
