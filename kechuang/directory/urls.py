from django.urls import path

from kechuang.directory import views

app_name = "directory"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("platforms/", views.platform_list, name="platform_list"),
    path("platforms/<int:pk>/", views.platform_detail, name="platform_detail"),
    path("instruments/", views.instrument_list, name="instrument_list"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("people/<int:pk>/contact/", views.contact_request_create, name="contact_request_create"),
    path("workspace/contact-requests/", views.contact_requests, name="contact_requests"),
    path("contact-requests/<int:pk>/<str:trigger>/", views.contact_request_decide, name="contact_request_decide"),
    path("contact-reveals/", views.contact_reveals, name="contact_reveals"),
    path("export/<str:entity>/", views.export, name="export"),
    path("import/", views.import_start, name="import_start"),
    path("import/template/<str:entity>/", views.import_template, name="import_template"),
    path("import/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("import/<str:token>/", views.import_preview, name="import_preview"),
    path("workspace/profile/", views.profile_edit, name="profile_edit"),
    path("workspace/figures/", views.figures_edit, name="figures_edit"),
    path("workspace/resources/", views.my_resources, name="my_resources"),
    path("workspace/people/new/", views.person_create, name="person_create"),
    path("workspace/people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("workspace/people/<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("workspace/platforms/new/", views.platform_create, name="platform_create"),
    path("workspace/platforms/<int:pk>/edit/", views.platform_edit, name="platform_edit"),
    path("workspace/platforms/<int:pk>/delete/", views.platform_delete, name="platform_delete"),
    path("workspace/instruments/new/", views.instrument_create, name="instrument_create"),
    path("workspace/instruments/<int:pk>/edit/", views.instrument_edit, name="instrument_edit"),
    path("workspace/instruments/<int:pk>/delete/", views.instrument_delete, name="instrument_delete"),
]

