"""Demo accounts, one per role (listed in the README). Password for all: ``Kechuang@2026``."""

from __future__ import annotations

from typing import TextIO

from kechuang.accounts.choices import Role
from kechuang.accounts.models import User
from kechuang.core.validators import make_credit_code
from kechuang.directory.choices import AccountStatus, OrganisationKind
from kechuang.directory.models import Organisation

DEPENDS_ON = ("directory",)  # their demo data loads first

DEMO_PASSWORD = "Kechuang@2026"

# The two organisations the demo personas act for; the directory demo data describes them in full.
DEMO_ENTERPRISE = {"name": "昆明滇科智能装备有限公司", "credit_code": make_credit_code("91530111MA6N0A012"),
                   "kind": OrganisationKind.ENTERPRISE, "region_code": "530111"}
DEMO_UNIVERSITY = {"name": "滇池理工大学", "credit_code": make_credit_code("12530000MB0A00013"),
                   "kind": OrganisationKind.UNIVERSITY, "region_code": "530114"}

PERSONAS = [
    ("enterprise", "企业用户 张经理", Role.ENTERPRISE, DEMO_ENTERPRISE),
    ("institution", "高校用户 李老师", Role.INSTITUTION, DEMO_UNIVERSITY),
    ("broker", "技术经理人 王敏", Role.BROKER, None),
    ("reviewer", "评审专家 赵教授", Role.REVIEWER, None),
    ("staff", "科技局 陈科员", Role.STAFF, None),
    ("registrar", "技术合同登记员 周登记", Role.REGISTRAR, None),
    ("admin", "系统管理员", Role.ADMIN, None),
]


def demo_organisation(spec: dict) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        credit_code=spec["credit_code"],
        defaults={"name": spec["name"], "kind": spec["kind"], "region_code": spec["region_code"],
                  "status": AccountStatus.APPROVED},
    )
    return org


def load(out: TextIO) -> None:
    for username, display, role, org_spec in PERSONAS:
        user, created = User.objects.get_or_create(username=username, defaults={"display_name": display, "role": role})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.email = f"{username}@demo.kechuang.local"
            if org_spec:
                user.organisation = demo_organisation(org_spec)
            if role == Role.ADMIN:
                user.is_staff = user.is_superuser = True
            if role == Role.STAFF:
                user.is_staff = True  # the django admin is a staff tool too
            user.save()
    out.write(f"演示账户：{', '.join(p[0] for p in PERSONAS)}（密码 {DEMO_PASSWORD}）\n")
