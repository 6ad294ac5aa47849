from django.urls import path

from kechuang.tests_support.sampleapp import views

app_name = "sample"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
]
