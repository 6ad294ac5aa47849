from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from kechuang.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "organisation", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "display_name", "email", "organisation__name")
    fieldsets = (*BaseUserAdmin.fieldsets, ("平台信息", {"fields": ("role", "organisation", "display_name", "phone")}))  # type: ignore[misc]
    autocomplete_fields = ("organisation",)
