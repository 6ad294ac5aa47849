"""Demo data of the indicators (fictional figures, idempotent).

Loads the registry (targets and the seeds' published figures), computes every computed indicator from the demo
platform data for last year and this year, and gives every target without figures three yearly observations
(marked 演示数据) leading up to its deadline, so every target on the dashboard shows progress and a status.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TextIO

from django.utils import timezone

from kechuang.core import jobs
from kechuang.indicators import computing, registry, services
from kechuang.indicators.choices import Method
from kechuang.indicators.models import Observation, Target

DEMO_SOURCE = "演示数据（虚构，仅供演示）"


DEPENDS_ON = ("directory", "accounts", "market", "policies", "contracts", "scores", "deals", "challenges", "instruments")  # their demo data loads first (the order kechuang/demo.py used)

def load(out: TextIO) -> None:
    counts = registry.load()
    job = jobs.run_now(computing.JOB_KIND, params={"year": timezone.localdate().year})
    rng = random.Random(2027)
    added = 0
    this_year = timezone.localdate().year
    for t in Target.objects.select_related("indicator").order_by("pk"):
        last = min(t.year, this_year - 1)
        if Observation.objects.filter(indicator=t.indicator, region_code=t.region_code,
                                      date__year__lte=last).exists():
            continue
        lower = t.indicator.direction == "lower"
        # Between well behind and just past the target in the last year, improving ~10 %/year before.
        end = t.value * Decimal(str(rng.uniform(0.95, 1.2) if lower else rng.uniform(0.7, 1.02)))
        for back, year in enumerate(range(last, last - 3, -1)):
            factor = Decimal(str((1.05 if lower else 0.9) ** back))
            value = (end * factor).quantize(Decimal("0.01"))
            services.record_observation(t.indicator, t.region_code, dt.date(year, 12, 31), value,
                                        method=Method.ENTERED, source=DEMO_SOURCE)
            added += 1
    out.write(f"指标：{counts['indicators']} 项指标、{counts['targets']} 条目标；计算任务 #{job.pk}"
              f"（{job.get_status_display()}）；演示观测值 {added} 条。\n")
