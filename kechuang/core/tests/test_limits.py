"""Bounded input (issue 12, item 5): every text field has a maximum length that the model, its forms and its
serializers agree on; audit rows stay small; oversized bodies get a Chinese answer (JSON under /api/)."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models

from kechuang.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _text_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("kechuang."):
            continue
        for f in model._meta.get_fields():
            if isinstance(f, models.TextField) and f.editable and model._meta.app_label != "core":
                yield model, f


def test_every_editable_text_field_has_a_limit_the_model_enforces():
    fields = list(_text_fields())
    assert len(fields) >= 15
    for model, f in fields:
        assert f.max_length, f"{model.__name__}.{f.name} has no max_length"
        assert any(isinstance(v, MaxLengthValidator) and v.limit_value == f.max_length for v in f.validators), \
            f"{model.__name__}.{f.name}: the model does not enforce its max_length"


def test_serializers_and_forms_take_the_model_limits():
    from kechuang.directory.forms import PersonForm
    from kechuang.market.api import DemandSerializer
    from kechuang.market.models import Demand

    assert DemandSerializer().fields["description"].max_length == Demand._meta.get_field("description").max_length
    assert PersonForm().fields["bio"].max_length == PersonForm._meta.model._meta.get_field("bio").max_length


def test_a_million_character_patch_is_refused_in_chinese(enterprise_client, enterprise_org):
    from kechuang.market.tests.factories import DemandFactory

    demand = DemandFactory(organisation=enterprise_org)
    before = AuditLog.objects.count()
    r = enterprise_client.patch(f"/api/demands/{demand.pk}/", {"description": "长" * 1_000_000},
                                content_type="application/json")
    assert r.status_code == 400 and "20000" in r.json()["description"][0]
    assert not any(c.isascii() and c.isalpha() for c in r.json()["description"][0])
    demand.refresh_from_db()
    assert len(demand.description) < 100 and AuditLog.objects.count() == before


def test_audit_rows_keep_a_hash_and_length_of_long_text(enterprise_client, enterprise_org):
    from kechuang.market.tests.factories import DemandFactory

    demand = DemandFactory(organisation=enterprise_org)
    text = "冷链保鲜" * 4000  # 16,000 characters: within the field's limit
    r = enterprise_client.patch(f"/api/demands/{demand.pk}/", {"description": text}, content_type="application/json")
    assert r.status_code == 200
    row = AuditLog.objects.filter(action="update", object_id=str(demand.pk)).latest("id")
    stored = row.changes["description"][1]
    assert stored["字数"] == 16000 and len(stored["SHA-256"]) == 64
    assert len(json.dumps(row.changes, ensure_ascii=False)) < 2000
    assert list(row.changes) == ["description"] or "title" not in row.changes  # a diff, not the whole row


def test_oversized_api_body_gets_chinese_json(settings, enterprise_client):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    r = enterprise_client.post("/api/demands/", data=json.dumps({"description": "x" * 20_000}),
                               content_type="application/json")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    assert "请求内容过大" in r.json()["detail"]


def test_oversized_form_post_gets_the_chinese_400_page(settings, client):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    r = client.post("/accounts/login/", data={"username": "x" * 20_000, "password": "y"})
    assert r.status_code == 400
    page = r.content.decode()
    assert "请求内容过大" in page and "Bad Request" not in page


def test_imports_apply_the_model_limits_to_plain_text_columns():
    from kechuang.core.tabular import run_import
    from kechuang.core.validators import make_credit_code

    code = make_credit_code("91530102MA6L00001")
    data = f"名称,统一社会信用代码,行政区划代码,类型,简介\n甲公司,{code},530102,企业,{'长' * 30_000}\n".encode()
    report = run_import("organisations", data, file_name="a.csv", dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "简介")]
    assert "20000" in report.errors[0].message


def test_model_forms_and_serializers_agree_with_the_models():
    """Every ModelForm and ModelSerializer field backed by a model text field has the model's max length."""
    import importlib

    from django import forms
    from rest_framework import serializers

    checked = 0
    for app in ("directory", "market", "policies", "accounts"):
        for module_name in ("forms", "api"):
            try:
                module = importlib.import_module(f"kechuang.{app}.{module_name}")
            except ModuleNotFoundError:
                continue
            for obj in vars(module).values():
                if not isinstance(obj, type) or obj.__module__ != module.__name__:
                    continue
                if issubclass(obj, forms.ModelForm) and getattr(obj, "_meta", None) and obj._meta.model:
                    model, fields = obj._meta.model, obj.base_fields
                elif issubclass(obj, serializers.ModelSerializer) and hasattr(obj, "Meta"):
                    model, fields = obj.Meta.model, obj().fields
                else:
                    continue
                for name, field in fields.items():
                    try:
                        model_field = model._meta.get_field(name)
                    except Exception:
                        continue
                    if isinstance(model_field, models.CharField | models.TextField) and model_field.max_length:
                        if getattr(field, "read_only", False) or not hasattr(field, "max_length"):
                            continue
                        assert field.max_length == model_field.max_length, f"{obj.__name__}.{name}"
                        checked += 1
    assert checked > 40
