from django.urls import path

from kechuang.scores import views

app_name = "scores"

urlpatterns = [
    path("", views.home, name="home"),
    path("enterprise/<int:org_pk>/", views.enterprise_score, name="enterprise"),
    path("enterprise/<int:org_pk>/flag/", views.flag_new, name="flag_new"),
    path("enterprise/<int:org_pk>/consent/", views.consent_new, name="consent_new"),
    path("consents/<int:pk>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("flags/", views.flag_list, name="flag_list"),
    path("flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("ranking/", views.ranking, name="ranking"),
    path("run/", views.run_scoring, name="run"),
    path("models/", views.model_list, name="model_list"),
    path("models/new/", views.model_new, name="model_new"),
    path("bank/", views.bank_list, name="bank_list"),
    path("bank/export/", views.bank_export, name="bank_export"),
    path("bank/<int:org_pk>/", views.bank_enterprise, name="bank_enterprise"),
    path("lending/", views.lending, name="lending"),
]
