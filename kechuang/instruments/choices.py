from __future__ import annotations

from django.db import models


class BookingStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    USED = "used", "已使用"
    SETTLED = "settled", "已结算"
    REFUSED = "refused", "已拒绝"
    CANCELLED = "cancelled", "已取消"
    NO_SHOW = "no_show", "爽约"


# A booking in one of these states holds its slot: no other booking of the instrument may overlap it.
HOLDING_STATES = (BookingStatus.PENDING, BookingStatus.APPROVED)


class PriceGroup(models.TextChoices):
    INTERNAL = "internal", "校内/院内"
    ACADEMIC = "academic", "其他高校院所"
    ENTERPRISE = "enterprise", "企业"


class ChargeBasis(models.TextChoices):
    BOOKED = "booked", "按预约时长计费"
    ACTUAL = "actual", "按实际使用时长计费"
    GREATER = "greater", "按预约时长计费，超时按实际使用时长计费"


class ClaimStatus(models.TextChoices):
    COMPUTED = "computed", "待审核"
    FLAGGED = "flagged", "疑点待核查"
    APPROVED = "approved", "审核通过"
    REFUSED = "refused", "不予补贴"
    PAID = "paid", "已兑付"
