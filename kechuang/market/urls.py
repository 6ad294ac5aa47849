from django.urls import path
from django.views.generic import TemplateView

app_name = "market"

# Placeholder routes until the market app lands (achievements and demands, issue 3/4).
urlpatterns = [
    path("achievements/", TemplateView.as_view(template_name="market/coming.html"), name="achievement_list"),
    path("demands/", TemplateView.as_view(template_name="market/coming.html"), name="demand_list"),
]
