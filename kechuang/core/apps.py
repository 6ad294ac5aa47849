from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = "平台核心"
    url_prefix = ""  # the home page and statistics sit at the root (kechuang.core.discovery)

    def ready(self) -> None:
        # Connect the audit signal handlers once the model registry is complete.
        from kechuang.core import audit, pinyin

        audit.connect()
        pinyin.connect()
        # Periodic tasks are job kinds too: a worker in another process must know them before it runs one.
        from kechuang.core import periodic

        periodic.register_all()
