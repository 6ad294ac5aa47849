from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api_urls import api_not_found

admin.site.site_header = "科创服务平台 管理后台"
admin.site.site_title = "科创服务平台"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", include("kechuang.core.urls")),
    path("accounts/", include("kechuang.accounts.urls")),
    path("directory/", include("kechuang.directory.urls")),
    path("market/", include("kechuang.market.urls")),
    path("policies/", include("kechuang.policies.urls")),
    path("challenges/", include("kechuang.challenges.urls")),
    path("instruments/", include("kechuang.instruments.urls")),
    path("contracts/", include("kechuang.contracts.urls")),
    path("indicators/", include("kechuang.indicators.urls")),
    path("scores/", include("kechuang.scores.urls")),
    path("deals/", include("kechuang.deals.urls")),
    path("workflow/", include("kechuang.workflow.urls")),
    path("api/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", api_not_found, name="api-not-found"),  # JSON 404, not the HTML page, under /api/
    path("admin/", admin.site.urls),
]

handler400 = "kechuang.core.errors.bad_request"
handler403 = "kechuang.core.views.error_403"
handler404 = "kechuang.core.views.error_404"
handler500 = "kechuang.core.views.error_500"
