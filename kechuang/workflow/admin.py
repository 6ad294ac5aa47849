from django.contrib import admin

from kechuang.core.admin import ReadOnlyAdminMixin
from kechuang.workflow.models import HolidayDay, HolidayYear, Notification, StateChange


@admin.register(StateChange)
class StateChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "content_type", "object_id", "trigger", "from_state", "to_state", "actor")
    list_filter = ("content_type", "trigger")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("at", "recipient", "message", "read")


@admin.register(HolidayDay)
class HolidayDayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "kind")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "entered_at")
