from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kechuang.core.models import AuditLog


class ReadOnlyAdminMixin:
    """For logs: the admin shows them, and nobody — not even a superuser — adds, changes or deletes a row."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor_repr", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor_repr", "object_id")
    date_hierarchy = "at"
