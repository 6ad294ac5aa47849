from django.contrib import admin

from kechuang.scores.models import Consent, FactFlag, FinancialInstitution, Loan, ScoreModelVersion, ScoreRun


@admin.register(FinancialInstitution)
class FinancialInstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    filter_horizontal = ["members"]


@admin.register(ScoreModelVersion)
class ScoreModelVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "effective_from", "is_active"]
    readonly_fields = ["definition"]


admin.site.register(ScoreRun)
admin.site.register(FactFlag)
admin.site.register(Consent)
admin.site.register(Loan)
