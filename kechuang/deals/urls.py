from django.urls import path

from kechuang.deals import views, views_events, views_trading

app_name = "deals"

urlpatterns = [
    path("", views.deal_list, name="list"),
    path("open/", views.deal_open, name="open"),
    path("<int:pk>/", views.deal_detail, name="detail"),
    path("<int:pk>/step/", views.deal_step, name="step"),
    path("<int:pk>/note/", views.deal_note, name="note"),
    path("<int:pk>/contract/", views.deal_contract, name="contract"),
    path("<int:pk>/pre-disclosure/", views.deal_pre_disclosure, name="pre_disclosure"),
    path("broker/", views.broker_workspace, name="broker"),
    path("broker/claim/<int:demand_pk>/", views.claim, name="claim"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/<int:demand_pk>/", views.assign, name="assign"),
    path("brokers/<int:user_pk>/grade/", views.grade, name="grade"),
    path("funnel/", views.funnel_page, name="funnel"),
    path("listings/", views_trading.listing_list, name="listing_list"),
    path("listings/new/", views_trading.listing_create, name="listing_create"),
    path("listings/<int:pk>/", views_trading.listing_detail, name="listing_detail"),
    path("listings/<int:pk>/step/", views_trading.listing_step, name="listing_step"),
    path("listings/<int:pk>/register/", views_trading.listing_register, name="listing_register"),
    path("listings/<int:pk>/bid/", views_trading.bid, name="bid"),
    path("registrations/<int:pk>/decide/", views_trading.registration_decide, name="registration_decide"),
    path("disclosures/", views_trading.disclosure_list, name="disclosure_list"),
    path("disclosures/<int:pk>/", views_trading.disclosure_detail, name="disclosure_detail"),
    path("disclosures/<int:pk>/objection/", views_trading.objection, name="objection"),
    path("objections/<int:pk>/resolve/", views_trading.objection_resolve, name="objection_resolve"),
    path("events/", views_events.event_list, name="event_list"),
    path("events/new/", views_events.event_create, name="event_create"),
    path("events/<int:pk>/", views_events.event_detail, name="event_detail"),
    path("events/<int:pk>/register/", views_events.event_register, name="event_register"),
    path("events/<int:pk>/propose/", views_events.event_propose, name="event_propose"),
    path("event-registrations/<int:pk>/checkin/", views_events.event_checkin, name="event_checkin"),
    path("meetings/<int:pk>/outcome/", views_events.meeting_outcome, name="meeting_outcome"),
]
