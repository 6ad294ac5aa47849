from django.contrib import admin

from kechuang.instruments.models import (
    Affiliation,
    Blackout,
    Booking,
    MaintenanceWindow,
    SampleService,
    ServiceSettings,
    SubsidyClaim,
    SubsidyPayout,
    SubsidyScheme,
)


class SampleServiceInline(admin.TabularInline):
    model = SampleService
    extra = 0


class BlackoutInline(admin.TabularInline):
    model = Blackout
    extra = 0


class MaintenanceWindowInline(admin.TabularInline):
    model = MaintenanceWindow
    extra = 0


@admin.register(ServiceSettings)
class ServiceSettingsAdmin(admin.ModelAdmin):
    list_display = ["instrument", "bookable", "approval_required", "rate_enterprise", "charge_basis"]
    list_filter = ["bookable", "approval_required"]
    search_fields = ["instrument__name", "instrument__organisation__name"]
    filter_horizontal = ["operators"]
    inlines = [SampleServiceInline, BlackoutInline, MaintenanceWindowInline]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["instrument", "organisation", "start", "end", "status", "amount", "cancel_fee"]
    list_filter = ["status", "price_group"]
    search_fields = ["instrument__name", "organisation__name"]
    readonly_fields = ["status"]  # states move only through the workflow


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "actual_controller", "controller_credit_code"]
    search_fields = ["organisation__name", "actual_controller"]


@admin.register(SubsidyScheme)
class SubsidySchemeAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "budget_amount", "paid_total"]
    readonly_fields = ["paid_total"]


@admin.register(SubsidyClaim)
class SubsidyClaimAdmin(admin.ModelAdmin):
    list_display = ["organisation", "provider", "usage_amount", "user_amount", "provider_amount", "status"]
    list_filter = ["status"]
    readonly_fields = ["status", "usage_amount", "user_amount", "provider_amount", "flags"]


@admin.register(SubsidyPayout)
class SubsidyPayoutAdmin(admin.ModelAdmin):
    list_display = ["claim", "amount", "paid_by", "created_at"]
