from django.urls import path

from kechuang.market import views

app_name = "market"

urlpatterns = [
    path("achievements/", views.achievement_list, name="achievement_list"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement_detail"),
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("search/", views.search, name="search"),
    path("mine/demands/", views.my_listings, {"entity": "demand"}, name="my_demands"),
    path("mine/achievements/", views.my_listings, {"entity": "achievement"}, name="my_achievements"),
    path("demands/new/", views.listing_create, {"entity": "demand"}, name="demand_create"),
    path("achievements/new/", views.listing_create, {"entity": "achievement"}, name="achievement_create"),
    path("demands/<int:pk>/edit/", views.listing_edit, {"entity": "demand"}, name="demand_edit"),
    path("achievements/<int:pk>/edit/", views.listing_edit, {"entity": "achievement"}, name="achievement_edit"),
    path("<str:entity>/<int:pk>/do/<str:trigger>/", views.listing_transition, name="transition"),
    path("review/", views.review_queue, name="review_queue"),
    path("export/<str:entity>/", views.export, name="export"),
    path("feedback/", views.match_feedback, name="feedback"),
]
