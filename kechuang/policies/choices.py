from django.db import models


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "申报"
    ACCEPTED = "accepted", "受理"
    REVIEWED = "reviewed", "审核"
    PUBLICISED = "publicised", "公示"
    PAID = "paid", "兑现"
    REJECTED = "rejected", "驳回"
    WITHDRAWN = "withdrawn", "已撤回"


# The states in which an application is still being handled ("在办"): one definition for the workflow, the
# duplicate check, the push list and the database constraint (the migration spells the same list out).
OPEN_APPLICATION_STATES = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEWED,
                           ApplicationStatus.PUBLICISED)


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class PushStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已推送"
    DISMISSED = "dismissed", "已忽略"
    APPLIED = "applied", "已转申报"


class Collection(models.TextChoices):
    """The engine's dated record collections (kechuang/rules/facts.py COLLECTIONS) an organisation can add to."""

    RECOGNITIONS = "recognitions", "认定/称号"
    PROJECTS = "projects", "项目"
    AWARDS = "awards", "获奖"
    HIRES = "hires", "引进人才"
    GRANTS = "grants", "上级资助/立项"
    CULTIVATED = "cultivated", "自主培育"
