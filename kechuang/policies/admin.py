from django.contrib import admin

from kechuang.policies.models import Application, Budget, FactRecord, FactSheet, Objection, Payout, Push


@admin.register(FactSheet)
class FactSheetAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "is_tech_sme", "is_state_owned", "updated_at"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation"]


@admin.register(FactRecord)
class FactRecordAdmin(admin.ModelAdmin):
    list_display = ["organisation", "collection", "type", "level", "date"]
    list_filter = ["collection"]
    search_fields = ["organisation__name", "type"]
    raw_id_fields = ["organisation"]


@admin.register(Push)
class PushAdmin(admin.ModelAdmin):
    list_display = ["organisation", "measure_title", "amount_min", "amount_max", "status", "as_of"]
    list_filter = ["status", "measure_id"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation", "job"]
    # Decisions go through services.push_review (notifications, audit): the admin only reads.
    readonly_fields = ["status", "reviewed_by", "reviewed_at"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["id", "organisation", "measure_title", "year", "amount_requested", "amount_approved", "status"]
    list_filter = ["status", "year"]
    search_fields = ["organisation__name", "measure_title"]
    raw_id_fields = ["organisation", "push"]
    # Status and money move only through the workflow and the budget-locked payout.
    readonly_fields = ["status", "amount_approved", "publicity_starts_on", "publicity_ends_on"]


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["measure_id", "year", "amount", "paid_total"]
    list_filter = ["year"]
    readonly_fields = ["paid_total"]


@admin.register(Payout)
class PayoutAdmin(admin.ModelAdmin):
    list_display = ["application", "amount", "budget", "paid_by", "created_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # the ledger is written only by services.application_pay

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["application", "raised_by", "status", "created_at", "resolved_by", "resolved_at"]
    list_filter = ["status"]
    raw_id_fields = ["application", "raised_by"]

    # Raised on the 公示 page and resolved on the application page (services.objection_*): the admin only reads.
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
