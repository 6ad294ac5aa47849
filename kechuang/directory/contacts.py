"""Who may see contact details (个人信息保护法), in one place; pages, the API and exports all ask here.

- A person's phone and email (personal information): bureau staff and the organisation that manages the
  person always; anyone else only if the person agreed (``contact_consent``) AND the viewer is an approved
  account (a member of an approved organisation), or the person's organisation granted that viewer's contact
  request. Each time they are shown, a ``ContactReveal`` row records who saw whose; beyond
  ``CONTACT_REVEALS_PER_DAY`` distinct people a day a viewer sees no more (bulk reveal is what a scraper
  does), and the platform offers a relayed contact request instead.
- An organisation's official contacts (and an instrument's booking phone): approved accounts, members and staff.
- Exports: personal contacts only for bureau staff; official contacts for approved accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from kechuang.directory.choices import AccountStatus, ContactRequestStatus, RevealChannel
from kechuang.directory.models import ContactRequest, ContactReveal, Person

LIMIT_NOTE = "今日查看个人联系方式已达上限（{limit} 人），其余联系方式已隐藏；如需联系，请在专家页面通过平台发送联系请求。"


def reveals_per_day() -> int:
    return int(getattr(settings, "CONTACT_REVEALS_PER_DAY", 50))


def is_bureau(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_bureau", False))


def is_approved_account(user: Any) -> bool:
    """Signed in, active, and bureau staff or a member of an approved organisation. A self-registered account
    waits for the bureau's approval of its organisation and sees no contacts until then. 技术经理人 and 评审专家
    accounts have no organisation and cannot register themselves (the bureau creates them): they count as
    approved."""
    from kechuang.accounts.choices import ORGANISATION_ROLES

    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if is_bureau(user):
        return True
    if not getattr(user, "organisation_id", None):
        return getattr(user, "role", None) not in ORGANISATION_ROLES
    return bool(user.organisation.status == AccountStatus.APPROVED)


def can_see_official_contacts(user: Any, organisation_id: Any = None) -> bool:
    """An organisation's (or its instrument's) official contact: approved accounts and the organisation's own
    members (a pending organisation still sees its own)."""
    if is_approved_account(user):
        return True
    own = getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None
    return own is not None and own == organisation_id


def export_hides(entity: str, user: Any) -> tuple[str, ...]:
    """The export columns ``user`` may not receive."""
    personal = {"people": Person.CONTACT_FIELDS}.get(entity, ())
    official = {"organisations": ("contact_name", "contact_phone", "contact_email"),
                "instruments": ("contact_phone",)}.get(entity, ())
    hidden: tuple[str, ...] = () if is_bureau(user) else personal
    if not is_approved_account(user):
        hidden += official
    return hidden


@dataclass
class ContactGate:
    """Decides, for one viewer and one request, whose personal contacts are shown, and logs each reveal.

    Built once per page or API response, so a list of 200 people costs a few queries, not 200.
    """

    user: Any
    channel: str = RevealChannel.PAGE
    limited: bool = False  # set when the daily limit hid a contact in this response
    _approved: bool = False
    _granted: set[int] = field(default_factory=set)
    _seen_today: set[int] = field(default_factory=set)
    _new: list[ContactReveal] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._approved = is_approved_account(self.user)
        if getattr(self.user, "is_authenticated", False):
            self._granted = set(ContactRequest.objects.filter(
                requester_id=self.user.pk, status=ContactRequestStatus.GRANTED).values_list("person_id", flat=True))
            start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
            self._seen_today = set(ContactReveal.objects.filter(viewer_id=self.user.pk, at__gte=start)
                                   .exclude(person__isnull=True).values_list("person_id", flat=True))

    def manages(self, person: Any) -> bool:
        own = getattr(self.user, "organisation_id", None) if getattr(self.user, "is_authenticated", False) else None
        return is_bureau(self.user) or (own is not None and own == person.organisation_id)

    def allowed(self, person: Any) -> bool:
        """May the viewer see this person's contact at all (the daily limit aside)?"""
        if self.manages(person) or person.pk in self._granted:
            return True
        return self._approved and bool(person.contact_consent)

    def reveal(self, person: Any) -> bool:
        """True when the contact may be shown now; records the reveal. Another look at a person already seen
        today costs nothing; the organisation's own members and the bureau have no limit."""
        if not self.allowed(person):
            return False
        if not (person.phone or person.email):
            return True  # nothing to reveal, nothing to log
        if not self.manages(person) and person.pk not in self._seen_today and person.pk not in self._granted:
            if len(self._seen_today) >= reveals_per_day():
                self.limited = True
                return False
        self._seen_today.add(person.pk)
        self._new.append(ContactReveal(viewer=self.user if getattr(self.user, "is_authenticated", False) else None,
                                       person_id=person.pk, person_name=person.name[:50], channel=self.channel))
        return True

    def flush(self) -> None:
        """Write the reveal rows of this response (one INSERT)."""
        if self._new:
            ContactReveal.objects.bulk_create(self._new)
            self._new = []

    @property
    def note(self) -> str:
        return LIMIT_NOTE.format(limit=reveals_per_day()) if self.limited else ""


def consent_date(consent: bool, previous: Any) -> dt.date | None:
    """The date kept with the consent flag: today when it is given, kept while it stands, cleared when withdrawn."""
    if not consent:
        return None
    return previous or timezone.localdate()
