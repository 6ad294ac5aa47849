"""The one export view of every list (kechuang.core.tabular.export.list_export_view): what the list resolves is
written with its spec; an entity without an export and an unknown format are 404; the after-hook (the
directory's contact-export log) runs once per file, only when a file is made."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory

from kechuang.core.tabular.export import ListExport, list_export_view
from kechuang.directory.models import Organisation
from kechuang.tests_support.factories import OrganisationFactory


@pytest.mark.django_db
def test_one_view_for_every_list() -> None:
    OrganisationFactory(name="测试导出机构甲")
    made: list[str] = []

    def resolve(request: Any, entity: str) -> ListExport | None:
        if entity != "organisations":
            return None
        return ListExport(spec="organisations", rows=Organisation.objects.order_by("pk"), hide=("phone",),
                          after=lambda: made.append(entity))

    view = list_export_view(resolve)
    rf = RequestFactory()
    response = view(rf.get("/x/", {"format": "csv"}), "organisations")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].endswith('.csv"') and "测试导出机构甲" in text
    assert made == ["organisations"]
    with pytest.raises(Http404):
        view(rf.get("/x/"), "planets")
    with pytest.raises(Http404):
        view(rf.get("/x/", {"format": "pdf"}), "organisations")
    assert made == ["organisations"]  # no file, no log
