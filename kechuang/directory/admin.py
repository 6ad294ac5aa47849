from django.contrib import admin

from kechuang.directory.models import (
    ContactRequest,
    ContactReveal,
    IndustryChain,
    Instrument,
    Organisation,
    Person,
    Platform,
    Qualification,
    YearlyFigure,
)


@admin.register(IndustryChain)
class IndustryChainAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_key", "sort_order")
    list_editable = ("is_key", "sort_order")


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


class YearlyFigureInline(admin.TabularInline):
    model = YearlyFigure
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "credit_code", "region_code", "status")
    list_filter = ("kind", "status", "region_code", "industry_chains")
    search_fields = ("name", "credit_code")
    filter_horizontal = ("industry_chains",)
    inlines = [QualificationInline, YearlyFigureInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "grade", "title", "organisation", "published")
    list_filter = ("kind", "grade", "published")
    search_fields = ("name", "fields", "talent_programme")
    raw_id_fields = ("organisation",)


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "level", "organisation", "recognised_on", "published")
    list_filter = ("kind", "level", "published")
    search_fields = ("name", "fields")
    raw_id_fields = ("organisation",)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("name", "model_number", "organisation", "original_value_yuan", "published")
    list_filter = ("published",)
    search_fields = ("name", "model_number", "manufacturer")
    raw_id_fields = ("organisation",)


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "kind", "level", "recognised_on", "valid_until")
    list_filter = ("kind", "level")
    raw_id_fields = ("organisation",)


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "requester", "person", "status")
    list_filter = ("status",)
    raw_id_fields = ("person", "requester")


@admin.register(ContactReveal)
class ContactRevealAdmin(admin.ModelAdmin):
    """The reveal log is evidence: staff read it, nobody edits it."""

    list_display = ("at", "viewer", "person_name", "channel")
    list_filter = ("channel",)
    search_fields = ("person_name", "viewer__username")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
