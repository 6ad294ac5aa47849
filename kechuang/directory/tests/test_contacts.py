"""Personal data (issue 12, item 1; 个人信息保护法): contacts only with consent and only to approved accounts,
relayed contact requests, every reveal logged, bulk reveal limited, exports without personal contacts."""

from __future__ import annotations

import pytest
from django.test import Client

from kechuang.accounts.choices import Role
from kechuang.directory.choices import AccountStatus, ContactRequestStatus
from kechuang.directory.models import ContactRequest, ContactReveal
from kechuang.directory.tests.factories import InstrumentFactory, PersonFactory
from kechuang.tests_support.factories import OrganisationFactory, UserFactory
from kechuang.workflow.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_client(db):
    """What /accounts/register/ leaves behind: signed in, organisation still waiting for approval."""
    org = OrganisationFactory(name="待审核自注册有限公司", status=AccountStatus.PENDING)
    c = Client()
    c.force_login(UserFactory(username="pending", role=Role.ENTERPRISE, organisation=org))
    return c


@pytest.fixture
def people(enterprise_org):
    consented = [PersonFactory(organisation=enterprise_org, name=f"同意专家{i}", phone=f"1391111{i:04d}",
                               email=f"yes{i}@example.test", contact_consent=True) for i in range(12)]
    private = [PersonFactory(organisation=enterprise_org, name=f"未同意专家{i}", phone=f"1382222{i:04d}",
                             email=f"no{i}@example.test") for i in range(8)]
    enterprise_org.contact_email, enterprise_org.contact_phone = "office@example.test", "0871-60000001"
    enterprise_org.save()
    InstrumentFactory(organisation=enterprise_org, contact_phone="0871-60000002")
    return consented, private


def _contacts_in(rows, *fields):
    return [r for r in rows if any(f in r for f in fields)]


def test_pending_account_sees_no_contact_through_the_api(pending_client, people):
    rows = pending_client.get("/api/people/?page_size=200").json()["results"]
    assert len(rows) == 20 and not _contacts_in(rows, "phone", "email")
    orgs = pending_client.get("/api/organisations/?page_size=200").json()["results"]
    assert not _contacts_in([o for o in orgs if o["name"] != "待审核自注册有限公司"], "contact_phone", "contact_email")
    inst = pending_client.get("/api/instruments/").json()["results"]
    assert not _contacts_in(inst, "contact_phone")
    assert not ContactReveal.objects.exists()


def test_pending_account_exports_no_contact_column(pending_client, people):
    for entity, columns in (("people", ("联系电话", "电子邮箱")), ("organisations", ("联系电话", "联系邮箱")),
                            ("instruments", ("联系电话",))):
        csv = pending_client.get(f"/directory/export/{entity}/?format=csv").content.decode("utf-8-sig")
        assert not any(c in csv.splitlines()[0] for c in columns), entity
        assert "1391111" not in csv and "office@example.test" not in csv


def test_approved_account_sees_only_consented_contacts_and_each_reveal_is_logged(outsider, outsider_client, people):
    consented, private = people
    rows = {r["name"]: r for r in outsider_client.get("/api/people/?page_size=200").json()["results"]}
    assert all("phone" in rows[p.name] and "email" in rows[p.name] for p in consented)
    assert not any("phone" in rows[p.name] or "email" in rows[p.name] for p in private)
    logged = set(ContactReveal.objects.filter(viewer=outsider).values_list("person_name", flat=True))
    assert logged == {p.name for p in consented}
    orgs = outsider_client.get("/api/organisations/").json()["results"]
    assert any(o.get("contact_email") == "office@example.test" for o in orgs)


def test_bulk_reveal_is_limited_per_day(settings, outsider, outsider_client, people):
    settings.CONTACT_REVEALS_PER_DAY = 5
    body = outsider_client.get("/api/people/?page_size=200").json()
    assert len(_contacts_in(body["results"], "phone")) == 5
    assert "上限" in body["contact_note"] and "联系请求" in body["contact_note"]
    # The five already seen today stay visible; nobody new is revealed.
    again = outsider_client.get("/api/people/?page_size=200").json()
    assert len(_contacts_in(again["results"], "phone")) == 5
    assert ContactReveal.objects.filter(viewer=outsider).values("person_id").distinct().count() == 5
    seen = set(ContactReveal.objects.values_list("person_id", flat=True))
    unseen = next(p for p in people[0] if p.pk not in seen)
    page = outsider_client.get(f"/directory/people/{unseen.pk}/").content.decode()
    assert unseen.phone not in page and "上限" in page


def test_person_page_contact_request_relayed_and_granted(pending_client, outsider, outsider_client, enterprise_user,
                                                         enterprise_client, people, django_capture_on_commit_callbacks):
    person = people[1][0]  # no consent
    page = pending_client.get(f"/directory/people/{person.pk}/").content.decode()
    assert person.phone not in page and person.email not in page and "发送联系请求" in page
    page = outsider_client.get(f"/directory/people/{person.pk}/").content.decode()
    assert person.phone not in page and "发送联系请求" in page
    url = f"/directory/people/{person.pk}/contact/"
    assert outsider_client.post(url, {"message": ""}).status_code == 200  # a Chinese form error, nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        assert outsider_client.post(url, {"message": "我司需要储能材料检测合作"}).status_code == 302
    request = ContactRequest.objects.get()
    assert Notification.objects.filter(recipient=enterprise_user, message__contains=person.name).exists()
    assert person.phone not in outsider_client.get(f"/directory/people/{person.pk}/").content.decode()
    # Nobody but the person's organisation (or the bureau) decides.
    assert outsider_client.post(f"/directory/contact-requests/{request.pk}/grant/").status_code == 404
    assert "我司需要储能材料检测合作" in enterprise_client.get("/directory/workspace/contact-requests/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert enterprise_client.post(f"/directory/contact-requests/{request.pk}/grant/").status_code == 302
    request.refresh_from_db()
    assert request.status == ContactRequestStatus.GRANTED
    assert Notification.objects.filter(recipient=outsider, message__contains="同意").exists()
    assert person.phone in outsider_client.get(f"/directory/people/{person.pk}/").content.decode()
    assert ContactReveal.objects.filter(viewer=outsider, person=person).exists()


def test_anonymous_is_sent_to_log_in_for_a_contact_request(client, people):
    response = client.get(f"/directory/people/{people[1][0].pk}/contact/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_consent_is_dated_and_editable_by_the_organisation(enterprise_client, people):
    person = people[1][0]
    data = {"name": person.name, "kind": person.kind, "title": person.title, "fields": person.fields,
            "phone": person.phone, "email": person.email, "published": "on", "contact_consent": "on"}
    assert enterprise_client.post(f"/directory/workspace/people/{person.pk}/edit/", data).status_code == 302
    person.refresh_from_db()
    assert person.contact_consent and person.contact_consent_on is not None
    listing = enterprise_client.get("/directory/workspace/resources/").content.decode()
    assert f"本人已同意（{person.contact_consent_on:%Y-%m-%d}）" in listing
    data.pop("contact_consent")
    enterprise_client.post(f"/directory/workspace/people/{person.pk}/edit/", data)
    person.refresh_from_db()
    assert not person.contact_consent and person.contact_consent_on is None


def test_reveal_log_is_for_bureau_staff(outsider_client, staff_client, people):
    outsider_client.get(f"/directory/people/{people[0][0].pk}/")
    assert outsider_client.get("/directory/contact-reveals/").status_code == 403
    page = staff_client.get("/directory/contact-reveals/").content.decode()
    assert people[0][0].name in page and "详情页" in page
