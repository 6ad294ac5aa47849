from django.contrib import admin

from kechuang.market.models import Achievement, Demand, MatchFeedback


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "discipline", "maturity", "status", "source", "published_at"]
    list_filter = ["status", "source", "maturity", "industry"]
    search_fields = ["title", "abstract", "external_id"]
    raw_id_fields = ["owner"]
    # Status changes go through the workflow (logged, conditional) — never a free edit here.
    readonly_fields = ["status", "published_at", "review_comment"]


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "industry", "cooperation_mode", "status", "published_at"]
    list_filter = ["status", "industry", "cooperation_mode"]
    search_fields = ["title", "description"]
    raw_id_fields = ["organisation"]
    readonly_fields = ["status", "published_at", "review_comment"]


@admin.register(MatchFeedback)
class MatchFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "author", "demand", "achievement", "target_kind", "target_id", "verdict", "rank"]
    list_filter = ["verdict", "target_kind"]
    raw_id_fields = ["demand", "achievement"]
