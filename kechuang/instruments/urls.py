from django.urls import path

from kechuang.instruments import views

app_name = "instruments"

urlpatterns = [
    path("", views.openness, name="evaluation"),
    path("<int:pk>/calendar/", views.calendar, name="calendar"),
    path("<int:pk>/book/", views.book, name="book"),
    path("<int:pk>/settings/", views.settings_edit, name="settings"),
    path("<int:pk>/availability/", views.availability_edit, name="availability"),
    path("mine/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/transition/", views.booking_transition, name="booking_transition"),
    path("bookings/<int:pk>/rate/", views.booking_rate, name="booking_rate"),
    path("statement/", views.statement, name="statement"),
    path("schemes/", views.schemes, name="schemes"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/decide/", views.claim_decide, name="claim_decide"),
    path("claims/<int:pk>/pay/", views.claim_pay, name="claim_pay"),
]
