from django.urls import path

from kechuang.policies import views

app_name = "policies"

urlpatterns = [
    path("", views.library, name="library"),
    path("measures/<str:measure_id>/", views.measure_detail, name="measure_detail"),
    path("calculator/", views.calculator_home, name="calculator_home"),
    path("calculator/<int:org_pk>/", views.calculator, name="calculator"),
    path("calculator/<int:org_pk>/facts/", views.calculator_facts, name="calculator_facts"),
    path("calculator/<int:org_pk>/records/", views.calculator_record_add, name="calculator_record_add"),
    path("records/<int:pk>/edit/", views.calculator_record_edit, name="calculator_record_edit"),
    path("records/<int:pk>/delete/", views.calculator_record_delete, name="calculator_record_delete"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/transition/", views.application_transition, name="application_transition"),
    path("pushes/", views.push_list, name="push_list"),
    path("pushes/run/", views.push_run, name="push_run"),
    path("pushes/review/", views.push_bulk_review, name="push_bulk_review"),
    path("pushes/<int:pk>/review/", views.push_review, name="push_review"),
    path("pushes/<int:pk>/apply/", views.push_apply, name="push_apply"),
    path("budgets/", views.budget_list, name="budget_list"),
    path("publicity/", views.publicity_list, name="publicity_list"),
    path("publicity/<int:pk>/objection/", views.objection_new, name="objection_new"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
]
