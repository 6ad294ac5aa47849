"""The vocabularies of 揭榜挂帅: where a challenge comes from, IP terms, and the states of its workflows."""

from django.db import models


class Source(models.TextChoices):
    ENTERPRISE = "enterprise", "企业出题"
    GOVERNMENT = "government", "政府立题"


class IpOwnership(models.TextChoices):
    ISSUER = "issuer", "一方所有"
    JOINT = "joint", "共有"
    LICENCE = "licence", "许可使用"


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", "需求征集"
    SUBMITTED = "submitted", "立题审核"
    PUBLISHED = "published", "发榜（揭榜报名中）"
    SCREENING = "screening", "形式审查"
    REVIEWING = "reviewing", "专家评审"
    DECIDING = "deciding", "揭榜方确定"
    PUBLICISED = "publicised", "公示"
    CONTRACTED = "contracted", "签约/任务书"
    MILESTONES = "milestones", "里程碑实施"
    ACCEPTANCE = "acceptance", "验收"
    RECTIFYING = "rectifying", "验收不通过，整改中"
    CLOSED = "closed", "结题"
    TERMINATED = "terminated", "终止"
    MERGED = "merged", "已并入其他榜单"


OPEN_CHALLENGE_STATES = [s for s in ChallengeStatus.values
                         if s not in (ChallengeStatus.CLOSED, ChallengeStatus.TERMINATED, ChallengeStatus.MERGED)]
PUBLIC_CHALLENGE_STATES = [s for s in ChallengeStatus.values
                           if s not in (ChallengeStatus.DRAFT, ChallengeStatus.SUBMITTED, ChallengeStatus.MERGED)]
# 立题审核: the states in which a 榜单's text may still be refined (by staff; by the issuer while a draft).
EDITABLE_CHALLENGE_STATES = [ChallengeStatus.DRAFT, ChallengeStatus.SUBMITTED]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已报名"
    ADMITTED = "admitted", "形式审查通过"
    INELIGIBLE = "ineligible", "形式审查未通过"
    SELECTED = "selected", "确定为揭榜方"
    NOT_SELECTED = "not_selected", "未入选"
    WITHDRAWN = "withdrawn", "已撤回"


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "评审中"
    DONE = "done", "已完成评审"
    EXCLUDED = "excluded", "回避（利益冲突）"
    DECLARED = "declared", "本人申报回避"


# Who counts on a panel: an excluded or self-declared expert sees nothing of the challenge's applications.
ACTIVE_ASSIGNMENT_STATES = [AssignmentStatus.ASSIGNED, AssignmentStatus.DONE]


class AssignmentStage(models.TextChoices):
    REVIEW = "review", "方案评审"
    ACCEPTANCE = "acceptance", "验收评审"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", "未开始"
    ACTIVE = "active", "实施中"
    REPORTED = "reported", "已报告，待评审"
    RELEASED = "released", "已通过，经费已拨付"
    MISSED = "missed", "逾期未报告"
