from django.contrib import admin

from kechuang.directory.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "credit_code", "region_code", "status")
    list_filter = ("kind", "status", "region_code")
    search_fields = ("name", "credit_code")
