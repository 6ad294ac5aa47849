"""Who may reach each URL of the directory app, in the vocabulary of kechuang/core/tests/test_access_matrix.py.
The full table of every audience (anonymous, outsider, member, bureau) is
test_every_directory_url_with_anonymous_and_outsider in tests/test_permissions.py; the rows below run for every
object URL in kechuang/core/tests/test_access_matrix.py."""

from __future__ import annotations

from typing import Any

from kechuang.core.access import LOGIN, OBJECT, Case

ACCESS_MATRIX: dict[str, str] = {
    "directory:organisation_list": "public",
    "directory:person_list": "public",
    "directory:platform_list": "public",
    "directory:instrument_list": "public",
    "directory:organisation_detail": OBJECT,  # public for approved organisations
    "directory:person_detail": OBJECT,  # public; contact details per contacts.py
    "directory:platform_detail": OBJECT,
    "directory:instrument_detail": OBJECT,
    "directory:export": OBJECT,  # public lists; personal contacts bureau only, official approved accounts
    # Contact requests (contacts.py): any signed-in user asks; the person's organisation or the bureau decides.
    "directory:contact_request_create": OBJECT,  # any signed-in user; anonymous to the login page
    "directory:contact_requests": "login",
    "directory:contact_request_decide": OBJECT,  # POST; the person's organisation or bureau, others 404
    "directory:contact_reveals": "bureau",
    "directory:import_start": "bureau",
    "directory:import_template": OBJECT,  # bureau only
    "directory:import_preview": OBJECT,  # bureau only
    "directory:import_job": OBJECT,  # bureau only (a job id)
    "directory:profile_edit": "login",  # the user's own organisation only
    "directory:figures_edit": "login",
    # The organisation's own people, platforms and instruments: users with an organisation (others 403); edit and
    # delete reach only rows of the user's own organisation (another organisation's row is a 404), bureau any.
    "directory:my_resources": "login",
    "directory:person_create": "login",
    "directory:platform_create": "login",
    "directory:instrument_create": "login",
    "directory:person_edit": OBJECT,
    "directory:platform_edit": OBJECT,
    "directory:instrument_edit": OBJECT,
    "directory:person_delete": OBJECT,  # POST only
    "directory:platform_delete": OBJECT,
    "directory:instrument_delete": OBJECT,
    "organisation-list": "public",
    "person-list": "public",
    "platform-list": "public",
    "instrument-list": "public",
    "organisation-detail": OBJECT,
    "person-detail": OBJECT,
    "platform-detail": OBJECT,
    "instrument-detail": OBJECT,
}


def _factories() -> Any:
    from kechuang.directory.tests import factories

    return factories


def _person(world: Any) -> Any:
    return _factories().PersonFactory(organisation=world.enterprise_org, name="公开专家", contact_consent=True)


def _hidden_person(world: Any) -> Any:
    return _factories().PersonFactory(organisation=world.enterprise_org, name="未公开专家", published=False)


def _platform(world: Any) -> Any:
    return _factories().PlatformFactory(organisation=world.enterprise_org)


def _instrument(world: Any) -> Any:
    return _factories().InstrumentFactory(organisation=world.enterprise_org)


def _unconsented_person(world: Any) -> Any:
    return _factories().PersonFactory(organisation=world.enterprise_org, name="未同意公开联系方式的专家",
                                      contact_consent=False)


def _contact_request(world: Any) -> Any:
    from kechuang.directory import services

    return services.contact_request_create(person=_unconsented_person(world), message="请求联系合作",
                                           actor=world.user("broker"))


EVERYONE = {"anonymous": 200, "outsider": 200, "enterprise": 200, "staff": 200}
MEMBER_EDITS = {"anonymous": LOGIN, "outsider": 404, "broker": 404, "enterprise": 200, "staff": 200}
MEMBER_DELETES = {"anonymous": LOGIN, "outsider": 404, "broker": 404, "enterprise": 302}
BUREAU_ONLY = {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "staff": 200}


def _entity(name: str) -> Any:
    return lambda obj: [name]


def _import_job(world: Any) -> Any:
    from kechuang.core.models import Job
    from kechuang.directory.services import IMPORT_JOB

    return Job.objects.create(kind=IMPORT_JOB, params={"entity": "organisations"}, created_by=world.user("staff"))


ACCESS_CASES = [
    Case("directory:import_job", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "broker": 403,
                                  "staff": 200}, obj=_import_job),
    Case("directory:organisation_detail", EVERYONE, obj=lambda w: w.enterprise_org),
    Case("organisation-detail", EVERYONE, obj=lambda w: w.enterprise_org),
    Case("directory:person_detail", EVERYONE, obj=_person, note="published"),
    Case("directory:person_detail", {"anonymous": 404, "outsider": 404, "enterprise": 200, "staff": 200},
         obj=_hidden_person, note="unpublished"),
    Case("person-detail", EVERYONE, obj=_person, note="published"),
    Case("person-detail", {"anonymous": 404, "outsider": 404, "enterprise": 200, "staff": 200},
         obj=_hidden_person, note="unpublished"),
    Case("directory:platform_detail", EVERYONE, obj=_platform),
    Case("platform-detail", EVERYONE, obj=_platform),
    Case("directory:instrument_detail", EVERYONE, obj=_instrument),
    Case("instrument-detail", EVERYONE, obj=_instrument),
    *(Case("directory:export", EVERYONE, obj=lambda w: None, args=_entity(entity), query="format=csv", note=entity)
      for entity in ("organisations", "people", "platforms", "instruments")),
    Case("directory:import_template", BUREAU_ONLY, obj=lambda w: None, args=_entity("people")),
    Case("directory:import_preview", {"anonymous": LOGIN, "outsider": 403, "enterprise": 403, "staff": 404},
         obj=lambda w: None, args=lambda obj: ["0123456789abcdef"], note="unknown token"),
    Case("directory:contact_request_create", {"anonymous": LOGIN, "outsider": 200}, obj=_unconsented_person),
    Case("directory:contact_request_decide", {"anonymous": LOGIN, "outsider": 404, "institution": 404,
                                              "enterprise": 302}, obj=_contact_request,
         args=lambda req: [req.pk, "grant"], method="post", note="the person's organisation decides"),
    *(Case(f"directory:{kind}_edit", MEMBER_EDITS, obj=make) for kind, make in
      (("person", _person), ("platform", _platform), ("instrument", _instrument))),
    *(Case(f"directory:{kind}_delete", MEMBER_DELETES, obj=make, method="post") for kind, make in
      (("person", _person), ("platform", _platform), ("instrument", _instrument))),
]
