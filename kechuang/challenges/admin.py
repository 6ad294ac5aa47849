"""Read-mostly admin for 揭榜挂帅: states change only through the workflow pages, so status is read-only here."""

from django.contrib import admin

from kechuang.challenges.models import (
    AcceptanceReview,
    Application,
    Challenge,
    Expert,
    Invitation,
    MilestoneFile,
    Release,
)


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("title", "issuer", "source", "status", "fiscal_support", "released_total", "deadline")
    list_filter = ("status", "source")
    search_fields = ("title",)
    readonly_fields = ("status", "released_total", "publicity_starts_on", "publicity_ends_on", "merged_into",
                       "acceptance_round")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("team_name", "challenge", "lead", "status")
    list_filter = ("status",)
    readonly_fields = ("status",)


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("person", "user")
    filter_horizontal = ("declared_conflicts",)


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("milestone", "amount", "released_by", "created_at")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # the ledger is written by the workflow only


admin.site.register(Invitation)


@admin.register(AcceptanceReview)
class AcceptanceReviewAdmin(admin.ModelAdmin):
    list_display = ("assignment", "round", "created_at")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # the expert's own verdict, written on the acceptance page


@admin.register(MilestoneFile)
class MilestoneFileAdmin(admin.ModelAdmin):
    list_display = ("name", "milestone", "uploaded_by", "created_at")
    readonly_fields = ("milestone", "file", "name", "uploaded_by")
