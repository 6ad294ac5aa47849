"""Demo data of the technology market (idempotent): the fictional achievements and demands of demo_data.py,
the 1,000 CSL papers as published achievements when ``shared/data/csl/papers-dev.jsonl`` is there, and then the
matching index, so a demand's page shows explained recommendations straight after ``kechuang demo``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.conf import settings
from django.utils import timezone

from kechuang.accounts.demo import DEMO_ENTERPRISE, DEMO_UNIVERSITY, demo_organisation
from kechuang.core.validators import make_credit_code
from kechuang.directory.choices import AccountStatus
from kechuang.directory.models import Organisation
from kechuang.market import indexing
from kechuang.market.choices import SOURCE_CSL, SOURCE_DEMO, Status
from kechuang.market.demo_data import ACHIEVEMENTS, DEMANDS, ORGANISATIONS
from kechuang.market.models import Achievement, Demand

DEPENDS_ON = ("directory", "accounts")  # their demo data loads first

# A few of the demo university's achievements stay in the workflow so the institution workspace and the review
# queue have something to show.
UNPUBLISHED_ACHIEVEMENTS = {2: Status.SUBMITTED, 5: Status.DRAFT}
# The market's coarse sectors to the directory's configurable chains (codes of the directory demo), so the
# 产业链 filter and the engine's "chain" tag have data; a code the directory does not have is skipped.
CHAIN_OF_INDUSTRY = {"biomedicine": "biomedicine", "green_energy": "green-energy", "new_materials": "new-materials",
                     "equipment": "equipment", "digital": "digital", "food": "green-food",
                     "environment": "eco-environment", "tourism_culture": "health-tourism", "logistics": "logistics"}


def _organisations() -> dict[str, Organisation]:
    orgs = {"U1": demo_organisation(DEMO_UNIVERSITY), "E0": demo_organisation(DEMO_ENTERPRISE)}
    for n, (key, (name, kind, region, scope)) in enumerate(sorted(ORGANISATIONS.items()), start=1):
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            prefix = "91" if kind == "enterprise" else "12"
            mid = "MA6QK" if kind == "enterprise" else "MB0KD"
            org = Organisation.objects.create(
                name=name, kind=kind, region_code=region, business_scope=scope, status=AccountStatus.APPROVED,
                credit_code=make_credit_code(f"{prefix}{region}{mid}{n:04d}"),
            )
        orgs[key] = org
    return orgs


def _published_at(i: int) -> dt.datetime:
    # Spread over the last months so "newest first" sorting shows something sensible.
    return timezone.now() - dt.timedelta(days=3 * i + 1, hours=i % 7)


def load_achievements(orgs: dict[str, Organisation]) -> int:
    created = 0
    for i, (title, owner, discipline, industry, maturity, modes, price_wan, keywords, abstract) in enumerate(
            ACHIEVEMENTS, start=1):
        status = UNPUBLISHED_ACHIEVEMENTS.get(i, Status.PUBLISHED)
        _, was_created = Achievement.objects.get_or_create(
            source=SOURCE_DEMO, external_id=f"demo-a-{i:03d}",
            defaults={
                "title": title, "owner": orgs[owner], "discipline": discipline, "industry": industry,
                "maturity": maturity, "transfer_modes": modes, "keywords": keywords, "abstract": abstract,
                "price_yuan": price_wan * 10000 if price_wan is not None else None,
                "patent_numbers": [f"ZL2023{10000000 + i * 7919:08d}.{i % 10}"] if maturity >= 6 else [],
                "status": status, "published_at": _published_at(i) if status == Status.PUBLISHED else None,
            },
        )
        created += was_created
    return created


def load_demands(orgs: dict[str, Organisation]) -> int:
    created = 0
    today = timezone.localdate()
    for i, (title, org, industry, mode, budget_wan, days, status, keywords, description) in enumerate(DEMANDS, 1):
        _, was_created = Demand.objects.get_or_create(
            source=SOURCE_DEMO, external_id=f"demo-d-{i:03d}",
            defaults={
                "title": title, "organisation": orgs[org], "industry": industry, "cooperation_mode": mode,
                "budget_yuan": budget_wan * 10000 if budget_wan is not None else None,
                "deadline": today + dt.timedelta(days=days) if days else None, "status": status,
                "keywords": keywords, "description": description, "region_code": orgs[org].region_code,
                "published_at": _published_at(i) if status in (Status.PUBLISHED, Status.WITHDRAWN) else None,
            },
        )
        created += was_created
    return created


def link_chains() -> None:
    from kechuang.directory.models import IndustryChain

    chains = {c.code: c for c in IndustryChain.objects.all()}
    for model in (Achievement, Demand):
        for obj in model.objects.filter(source=SOURCE_DEMO, industry_chains__isnull=True):
            chain = chains.get(CHAIN_OF_INDUSTRY.get(obj.industry, ""))
            if chain is not None:
                obj.industry_chains.add(chain)


def load_papers(out: TextIO) -> None:
    path = settings.SHARED_DATA_DIR / "csl" / "papers-dev.jsonl"
    if not path.exists():
        out.write(f"未找到 {path}，跳过科技文献（CSL 论文）。\n")
        return
    if Achievement.objects.filter(source=SOURCE_CSL).exists():
        return
    from kechuang.core.tabular import run_import

    # The index is built once at the end of the demo, not after this import too.
    with indexing.rebuild_suppressed():
        report = run_import("papers", path.read_bytes(), file_name=path.name, find_near_duplicates=False)
    if not report.written:
        out.write(report.as_text(limit=20) + "\n")
    else:
        # Older than the demo's own listings, so "newest first" opens on the market written for the demo.
        Achievement.objects.filter(source=SOURCE_CSL).update(published_at=timezone.now() - dt.timedelta(days=400))
        out.write(f"科技文献（CSL 论文）：导入 {report.created} 条。\n")


def load(out: TextIO) -> Any:
    orgs = _organisations()
    a = load_achievements(orgs)
    d = load_demands(orgs)
    link_chains()
    out.write(f"技术市场演示数据：新增科技成果 {a} 项、技术需求 {d} 项。\n")
    load_papers(out)
    indexing.build_index_command(out)
