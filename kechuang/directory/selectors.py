from __future__ import annotations

from typing import Any

from django.db.models import Count

from kechuang.core import regions
from kechuang.directory.choices import AccountStatus, OrganisationKind
from kechuang.directory.models import Organisation


def directory_counts() -> dict[str, Any]:
    approved = Organisation.objects.filter(status=AccountStatus.APPROVED)
    by_kind = {row["kind"]: row["n"] for row in approved.values("kind").annotate(n=Count("id")).order_by()}
    by_region = approved.values("region_code").annotate(n=Count("id")).order_by("-n")
    return {
        "organisations": sum(by_kind.values()),
        "organisations_by_kind": [(label, by_kind.get(value, 0)) for value, label in OrganisationKind.choices],
        "organisations_by_region": [(regions.name_of(r["region_code"]), r["n"]) for r in by_region],
    }
