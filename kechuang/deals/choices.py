from django.db import models


class Stage(models.TextChoices):
    INTENT = "intent", "意向"
    CONTACTING = "contacting", "对接中"
    NEGOTIATING = "negotiating", "洽谈"
    SIGNED = "signed", "签约"
    REGISTERED = "registered", "已登记"
    TERMINATED = "terminated", "终止"


OPEN_STAGES = (Stage.INTENT, Stage.CONTACTING, Stage.NEGOTIATING)
# The funnel's order; a deal at a later stage has passed the earlier ones.
FUNNEL_STAGES = (Stage.INTENT, Stage.CONTACTING, Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED)


class TerminationReason(models.TextChoices):
    PRICE = "price", "价格"
    IMMATURE = "immature", "技术不成熟"
    DEMAND_CHANGED = "demand_changed", "需求变化"
    LOST_CONTACT = "lost_contact", "失联"
    OTHER = "other", "其他"


class Origin(models.TextChoices):
    MATCH = "match", "需求匹配结果"
    ACHIEVEMENT = "achievement", "成果页“我要对接”"
    QUEUE = "queue", "技术经理人工作台"
    LISTING = "listing", "挂牌交易"
    EVENT = "event", "对接活动"


class DealMode(models.TextChoices):
    TRANSFER = "transfer", "转让"
    LICENCE = "licence", "许可"
    EQUITY = "equity", "作价投资"
    CO_DEVELOP = "co_develop", "合作开发"
    SERVICE = "service", "技术服务"
    OTHER = "other", "其他"


class Pricing(models.TextChoices):
    NEGOTIATED = "negotiated", "协议定价"
    LISTED = "listed", "在技术交易市场挂牌交易"
    AUCTION = "auction", "拍卖"


class BrokerGrade(models.TextChoices):
    JUNIOR = "junior", "初级"
    INTERMEDIATE = "intermediate", "中级"
    SENIOR = "senior", "高级"


class ListingStatus(models.TextChoices):
    DRAFT = "draft", "待发布"
    OPEN = "open", "竞价中"
    SOLD = "sold", "已成交"
    UNSOLD = "unsold", "流拍"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"


class DepositStatus(models.TextChoices):
    PAID = "paid", "已缴纳"
    REFUND_DUE = "refund_due", "待退还"
    APPLIED = "applied", "转作价款"
    NOT_PAID = "not_paid", "未缴纳"


class DisclosureKind(models.TextChoices):
    RESULT = "result", "成交公示"
    PRE_DEAL = "pre_deal", "拟交易公示（协议定价）"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class MeetingOutcome(models.TextChoices):
    PENDING = "pending", "待记录"
    INTENT = "intent", "达成意向"
    NONE = "none", "无合作意向"
    ABSENT = "absent", "未到场"
