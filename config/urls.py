from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api_urls import api_not_found
from kechuang.core.discovery import app_modules, url_prefix

admin.site.site_header = "科创服务平台 管理后台"
admin.site.site_title = "科创服务平台"
admin.site.index_title = "数据管理"


def build_urlpatterns(fresh: bool = False) -> list:  # type: ignore[type-arg]
    """Each installed kechuang app's ``urls`` at ``<label>/`` (the core's at the root), then the API and admin.
    ``fresh`` builds a new API router too (a test that installs an app builds the URLs again)."""
    from config import api_urls

    api = api_urls.build_urlpatterns(api_urls.build_router()) if fresh else api_urls.urlpatterns
    return [
        *(path(url_prefix(app), include(module.__name__)) for app, module in app_modules("urls")),
        path("api/", include(api)),
        path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
        re_path(r"^api/", api_not_found, name="api-not-found"),  # JSON 404, not the HTML page, under /api/
        path("admin/", admin.site.urls),
    ]


urlpatterns = build_urlpatterns()

handler400 = "kechuang.core.errors.bad_request"
handler403 = "kechuang.core.views.error_403"
handler404 = "kechuang.core.views.error_404"
handler500 = "kechuang.core.views.error_500"
