from django.urls import path

from kechuang.contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/correction/", views.answer_correction, name="answer_correction"),
    path("<int:pk>/certificate/", views.certificate, name="certificate"),
    path("<int:pk>/change/", views.request_change, name="request_change"),
    path("<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("<int:pk>/objection/", views.objection, name="objection"),
    path("registry/", views.queue, name="queue"),
    path("registry/export/", views.export, name="export"),
    path("registry/<int:pk>/decide/", views.decide, name="decide"),
    path("registry/<int:pk>/request/", views.decide_request, name="decide_request"),
    path("registry/<int:pk>/expert/", views.expert_review, name="expert_review"),
    path("stats/", views.stats_page, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
]
