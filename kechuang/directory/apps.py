from typing import Any

from django.apps import AppConfig
from django.urls import reverse


class DirectoryConfig(AppConfig):
    name = "kechuang.directory"
    label = "directory"
    verbose_name = "创新资源库"

    def home_counts(self) -> dict[str, Any]:
        from kechuang.directory.selectors import directory_counts

        return directory_counts()

    def workspace_panels(self, user: Any) -> list[dict[str, Any]]:
        panels: list[dict[str, Any]] = []
        if getattr(user, "organisation_id", None):
            panels.append({"title": "机构资料", "url": reverse("directory:profile_edit"), "count": None,
                           "queue": False, "template": "directory/_workspace_profile.html"})
        if getattr(user, "is_bureau", False):
            panels.append({"title": "创新资源批量导入", "url": reverse("directory:import_start"), "count": None,
                           "queue": False, "template": "directory/_workspace_import.html"})
        return panels
