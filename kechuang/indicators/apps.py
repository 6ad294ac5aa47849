from __future__ import annotations

from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "kechuang.indicators"
    label = "indicators"
    verbose_name = "创新驱动发展评价指标"

    def ready(self) -> None:
        from kechuang.core import jobs
        from kechuang.indicators import computing

        jobs.register(computing.JOB_KIND, computing.compute_job, single_flight=True)
