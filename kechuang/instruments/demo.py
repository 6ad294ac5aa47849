"""Demo data: the 滇池理工大学 共享实验室 (fictional) with several bookable instruments, bookings in every state
over the past and coming weeks, a 先用后补 scheme for this year, and one flagged claim (a fictional second
enterprise shares its actual controller with the lab).

Idempotent: seeded only while the lab has no bookings. Status changes go through the workflow service, so the
demo's history looks like real use. Past bookings are written directly (the booking service refuses past slots)
and then moved along by the workflow.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.utils import timezone

from kechuang.accounts.models import User
from kechuang.core.validators import make_credit_code
from kechuang.directory.models import Instrument, Organisation
from kechuang.instruments import availability, services
from kechuang.instruments.models import Affiliation, Booking, SampleService, ServiceSettings, SubsidyScheme
from kechuang.instruments.services import Request

LAB = "滇池理工大学"
EXTRA = [  # (name, model, maker, category, value)
    ("X 射线光电子能谱仪", "ESCALAB Xi+", "赛默飞", "电子能谱仪器", 6_300_000),
    ("原子力显微镜", "Dimension Icon", "布鲁克", "显微仪器", 2_400_000),
]
CONTROLLER = "滇中科创控股集团有限公司"  # fictional


DEPENDS_ON = ("directory", "accounts", "market", "policies", "contracts", "scores", "deals", "challenges")  # their demo data loads first (the order kechuang/demo.py used)

def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() > 4:
        day += dt.timedelta(days=1 if days >= 0 else -1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _past(inst: Instrument, org: Organisation, user: User | None, start: dt.datetime, hours: int, purpose: str) -> Booking:
    s = inst.service
    group = services.price_group(org, inst)
    return Booking.objects.create(instrument=inst, organisation=org, user=user, start=start,
                                  end=start + dt.timedelta(hours=hours), purpose=purpose, price_group=group,
                                  hourly_rate=s.rate_for(group))


def _move(b: Booking, actor: User, *steps: str) -> Booking:
    for step in steps:
        data = {}
        if step == "record_use":
            data = {"actual_start": timezone.localtime(b.start).strftime("%Y-%m-%d %H:%M"),
                    "actual_end": timezone.localtime(b.end + dt.timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M")}
        if step == "refuse":
            data = {"reason": "该时段仪器需校准，请改约下周"}
        b = services.booking_transition(booking=b, trigger=step, actor=actor, data=data)
    return b


def load(out: TextIO) -> None:
    lab = Organisation.objects.filter(name=LAB).first()
    lab_user = User.objects.filter(organisation=lab).first() if lab else None
    ent_user = User.objects.filter(username="enterprise").select_related("organisation").first()
    if lab is None or lab_user is None or ent_user is None or ent_user.organisation is None:
        return
    for name, model, maker, category, value in EXTRA:
        Instrument.objects.get_or_create(name=name, organisation=lab, defaults={
            "model_number": model, "manufacturer": maker, "category": category, "original_value_yuan": value,
            "location": "呈贡校区共享实验室", "sharing_terms": "共享实验室统一预约", "fee": "见预约日历"})
    instruments = list(Instrument.objects.filter(organisation=lab).order_by("id"))
    for i, inst in enumerate(instruments):
        s, created = ServiceSettings.objects.get_or_create(instrument=inst, defaults={
            "rate_internal": 150 + 50 * i, "rate_academic": 300 + 50 * i, "rate_enterprise": 500 + 100 * i,
            "approval_required": i != len(instruments) - 1, "lead_hours": 24})
        if created and i == 0:
            SampleService.objects.create(settings=s, name="形貌观察（送样）", price_per_sample=200)
    SubsidyScheme.objects.get_or_create(year=timezone.localdate().year, defaults={
        "name": "大型科研仪器开放共享先用后补", "budget_amount": 2_000_000})
    if Booking.objects.filter(instrument__organisation=lab).exists():
        return
    ent = ent_user.organisation
    # A second, fictional enterprise under the same actual controller as the lab's partner: its claim is flagged.
    sister, _ = Organisation.objects.get_or_create(name="昆明滇科精密检测有限公司", defaults={
        "kind": "enterprise", "credit_code": make_credit_code("91530111MA6N0B021"), "region_code": "530111"})
    Affiliation.objects.get_or_create(organisation=sister, defaults={"actual_controller": CONTROLLER})
    Affiliation.objects.get_or_create(organisation=lab, defaults={"actual_controller": CONTROLLER})
    a, b, c = instruments[0], instruments[min(1, len(instruments) - 1)], instruments[-1]
    _move(_past(a, ent, ent_user, _at(-14, 9), 2, "减速器齿轮断口形貌分析"), lab_user, "approve", "record_use", "settle")
    _move(_past(b, ent, ent_user, _at(-10, 14), 2, "涂层表面元素价态分析"), lab_user, "approve", "record_use")
    _move(_past(a, sister, None, _at(-7, 9), 3, "精密零件表面粗糙度测量"), lab_user, "approve", "record_use", "settle")
    _move(_past(c, ent, ent_user, _at(-3, 14), 2, "薄膜样品表面形貌"), lab_user, "approve", "no_show")
    services.book(actor=ent_user, requests=[Request(a, _at(7, 9), _at(7, 11))], purpose="新批次齿轮断口复检")
    approved = services.book(actor=ent_user, requests=[Request(b, _at(8, 14), _at(8, 16))], purpose="镀层厚度测量")[0]
    _move(approved, lab_user, "approve")
    refused = services.book(actor=ent_user, requests=[Request(a, _at(9, 14), _at(9, 15))], purpose="试样预检")[0]
    _move(refused, lab_user, "refuse")
    cancelled = services.book(actor=ent_user, requests=[Request(b, _at(10, 9), _at(10, 10))], purpose="对比测试")[0]
    services.booking_transition(booking=cancelled, trigger="cancel", actor=ent_user, data={"reason": "样品未到"})
    # Availability rules on days no demo booking holds (a booking there would make the rule refuse).
    availability.add_blackout(instrument=a, actor=lab_user, start_date=_at(13, 9).date(), end_date=_at(13, 9).date(),
                              reason="实验室搬迁")
    availability.add_maintenance(instrument=c, actor=lab_user, start=_at(11, 9), end=_at(11, 12), reason="年度计量校准")
    out.write(f"仪器共享：{LAB}共享实验室 {len(instruments)} 台仪器，8 条预约，1 条有疑点的先用后补申领\n")
