from django.urls import path

from kechuang.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("display/", views.display, name="display"),
    path("recompute/", views.recompute, name="recompute"),
    path("import/", views.import_page, name="import"),
    path("report/", views.report, name="report"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("registry.xlsx", views.registry_xlsx, name="registry_xlsx"),
    path("chart/<str:chart>.xlsx", views.chart_xlsx, name="chart_xlsx"),
    path("i/<str:code>/", views.detail, name="detail"),
    path("i/<str:code>/observe/", views.observe, name="observe"),
]
