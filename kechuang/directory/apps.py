from typing import Any

from django.apps import AppConfig

from kechuang.core.panels import Panel


class DirectoryConfig(AppConfig):
    name = "kechuang.directory"
    label = "directory"
    verbose_name = "创新资源库"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from kechuang.core import jobs
        from kechuang.directory import services

        jobs.register(services.IMPORT_JOB, services.import_job)

        from kechuang.directory import search_sqlite

        # SQLite's search index triggers call kechuang_grams(): every connection needs it before its first write.
        connection_created.connect(search_sqlite.on_connection_created, dispatch_uid="directory-sqlite-grams")
        post_migrate.connect(search_sqlite.on_post_migrate, sender=self, dispatch_uid="directory-sqlite-fts")

        from kechuang.directory.models import Instrument, Organisation, Person, Platform, Qualification
        from kechuang.directory.selectors import bump_count_generation

        for model in (Organisation, Person, Platform, Instrument, Qualification):
            post_save.connect(bump_count_generation, sender=model, dispatch_uid=f"dir-count-save-{model.__name__}")
            post_delete.connect(bump_count_generation, sender=model, dispatch_uid=f"dir-count-del-{model.__name__}")
        for through in (Organisation.industry_chains.through, Platform.industry_chains.through):
            m2m_changed.connect(bump_count_generation, sender=through, dispatch_uid=f"dir-count-m2m-{through.__name__}")

    def home_counts(self) -> dict[str, Any]:
        from kechuang.directory.selectors import directory_counts

        return directory_counts()

    def workspace_panels(self, user: Any) -> list[Panel]:
        panels: list[Panel] = []
        if getattr(user, "organisation_id", None):
            panels.append(Panel(title="机构资料", url_name="directory:profile_edit",
                                template="directory/_workspace_profile.html"))
            panels.append(Panel(title="本机构人员、平台与仪器", url_name="directory:my_resources",
                                template="directory/_workspace_resources.html"))
        if getattr(user, "is_authenticated", False):
            from kechuang.directory.choices import ContactRequestStatus
            from kechuang.directory.models import ContactRequest

            waiting = (ContactRequest.objects.restrict(user, "change").exclude(requester=user)
                       .filter(status=ContactRequestStatus.PENDING).count())
            panels.append(Panel(title="联系请求", url_name="directory:contact_requests", count=waiting,
                                queue=bool(waiting), template="directory/_workspace_contact_requests.html"))
        if getattr(user, "is_bureau", False):
            panels.append(Panel(title="联系方式查看记录", url_name="directory:contact_reveals",
                                template="directory/_workspace_contact_reveals.html"))
            panels.append(Panel(title="创新资源批量导入", url_name="directory:import_start",
                                template="directory/_workspace_import.html"))
        return panels
