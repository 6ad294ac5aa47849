from django.contrib import admin

from kechuang.deals.models import (
    Bid,
    BidderRegistration,
    BrokerProfile,
    Deal,
    DealNote,
    DemandAssignment,
    Disclosure,
    Objection,
    TradeListing,
)


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ("title", "stage", "enterprise", "institute", "broker", "next_action_on", "created_at")
    list_filter = ("stage", "origin", "termination_reason")
    search_fields = ("title", "enterprise__name", "institute__name")
    raw_id_fields = ("enterprise", "institute", "demand", "achievement", "broker", "contract", "opened_by")


@admin.register(TradeListing)
class TradeListingAdmin(admin.ModelAdmin):
    list_display = ("achievement", "status", "reserve_price", "current_price", "ends_at")
    list_filter = ("status",)
    raw_id_fields = ("achievement", "leader", "created_by")


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "seller_name", "buyer_name", "price_yuan", "starts_on", "ends_on")
    list_filter = ("kind",)
    search_fields = ("title", "seller_name", "buyer_name")


for model in (DealNote, BrokerProfile, DemandAssignment, BidderRegistration, Bid, Objection):
    admin.site.register(model)

from kechuang.deals.models import EventRegistration, MatchEvent, Meeting  # noqa: E402

for event_model in (MatchEvent, EventRegistration, Meeting):
    admin.site.register(event_model)
