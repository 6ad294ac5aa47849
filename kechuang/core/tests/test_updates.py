"""The shared write-path pieces: whitelisted fields, Chinese messages naming the field, errors on forms."""

from __future__ import annotations

import pytest
from django import forms

from kechuang.core.exceptions import ApplicationError
from kechuang.core.updates import form_error, model_update
from kechuang.directory.tests.factories import PersonFactory


@pytest.mark.django_db
def test_model_update_sets_only_whitelisted_fields_and_names_the_bad_one(enterprise_user):
    person = PersonFactory(name="原姓名")
    with pytest.raises(ApplicationError, match="不能修改字段：organisation"):
        model_update(person, {"organisation": None}, ("name",), enterprise_user)
    with pytest.raises(ApplicationError) as caught:
        model_update(person, {"name": ""}, ("name",), enterprise_user)
    assert caught.value.field == "name" and caught.value.message.startswith("姓名")
    person.refresh_from_db()
    assert person.name == "原姓名"  # nothing saved on a refusal
    model_update(person, {"name": "新姓名"}, ("name",), enterprise_user)
    person.refresh_from_db()
    assert person.name == "新姓名"


class _Form(forms.Form):
    title = forms.CharField(required=False)


def test_form_error_puts_the_message_on_its_field_or_above_the_form():
    form = _Form({"title": "x"})
    assert form.is_valid()
    form_error(form, ApplicationError("标题重复", field="title"))
    form_error(form, ApplicationError("预算已锁定", field="budget"))
    assert form.errors["title"] == ["标题重复"]
    assert form.non_field_errors() == ["预算已锁定"]
