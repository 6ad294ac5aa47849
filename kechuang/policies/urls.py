from django.urls import path
from django.views.generic import TemplateView

app_name = "policies"

urlpatterns = [
    path("", TemplateView.as_view(template_name="policies/coming.html"), name="library"),
]
