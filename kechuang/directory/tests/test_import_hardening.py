"""Staff import hardening (issue 12, items 6 and 8): malformed merge choices, size and row limits, uploads kept
no longer than needed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.directory.models import Organisation
from kechuang.tests_support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _upload(staff_client, body: str, name: str = "orgs.csv") -> str:
    upload = SimpleUploadedFile(name, body.encode())
    return staff_client.post("/directory/import/", {"entity": "organisations", "file": upload})["Location"]


@pytest.mark.parametrize("field,value", [("merge_abc", "1"), ("merge_2", "abc"), ("merge_2", "99999999"),
                                         ("merge_2", "99999999999999999999999"), ("merge_99", "{pk}"),
                                         ("merge_-1", "{pk}")])
def test_malformed_merge_choices_give_a_chinese_form_error(staff_client, field, value):
    existing = OrganisationFactory(name="旧名称有限公司", employees=1)
    preview = _upload(staff_client,
                      f"名称,统一社会信用代码,行政区划代码,类型,职工人数\n新名称有限公司,{existing.credit_code},530102,企业,99\n")
    response = staff_client.post(preview, {field: value.format(pk=existing.pk)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "合并选择有误" in html and ("无效" in html or "不存在" in html)
    existing.refresh_from_db()
    assert existing.employees == 1 and Organisation.objects.count() == 1
    # The preview is still usable: the right choice imports.
    assert staff_client.post(preview, {"merge_2": existing.pk}).status_code == 302
    existing.refresh_from_db()
    assert existing.employees == 99
