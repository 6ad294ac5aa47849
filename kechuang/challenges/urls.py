from django.urls import path

from kechuang.challenges import views

app_name = "challenges"

urlpatterns = [
    path("", views.board, name="board"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.challenge_new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/transition/", views.challenge_transition, name="transition"),
    path("<int:pk>/edit/", views.challenge_edit, name="edit"),
    path("<int:pk>/merge/", views.challenge_merge, name="merge"),
    path("<int:pk>/acceptance/", views.acceptance_page, name="acceptance"),
    path("<int:pk>/acceptance/save/", views.acceptance_save, name="acceptance_save"),
    path("assignments/<int:pk>/transition/", views.assignment_transition, name="assignment_transition"),
    path("milestones/<int:pk>/files/", views.milestone_file_upload, name="milestone_file_upload"),
    path("files/<int:pk>/", views.milestone_file_download, name="milestone_file"),
    path("<int:pk>/experts/", views.assign, name="assign"),
    path("<int:pk>/objections/", views.objection_new, name="objection_new"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/questions/", views.question_new, name="question_new"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/review/<int:app_pk>/", views.review_save, name="review_save"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/transition/", views.application_transition, name="application_transition"),
    path("milestones/<int:pk>/transition/", views.milestone_transition, name="milestone_transition"),
]
