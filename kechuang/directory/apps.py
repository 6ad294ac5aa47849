from typing import Any

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "kechuang.directory"
    label = "directory"
    verbose_name = "创新资源库"

    def home_counts(self) -> dict[str, Any]:
        from kechuang.directory.selectors import directory_counts

        return directory_counts()
