from django.urls import path

from kechuang.workflow import views

app_name = "workflow"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.mark_all_read, name="mark_all_read"),
]
