"""Status values and labels of the technology market, in one place (English values, Chinese labels)."""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已发布"
    CLOSED = "closed", "已关闭"
    WITHDRAWN = "withdrawn", "已撤回"


class Maturity(models.IntegerChoices):
    """Technology readiness levels of GB/T 22900-2022《科学技术研究项目评价通则》."""

    TRL1 = 1, "1级 基本原理清晰"
    TRL2 = 2, "2级 技术概念和应用设想明确"
    TRL3 = 3, "3级 关键功能通过原理验证"
    TRL4 = 4, "4级 实验室环境中完成原理样机验证"
    TRL5 = 5, "5级 相关环境中完成部件验证"
    TRL6 = 6, "6级 相关环境中完成系统原型演示"
    TRL7 = 7, "7级 实际环境中完成原型系统验证"
    TRL8 = 8, "8级 定型并通过试验验证"
    TRL9 = 9, "9级 实际应用，形成产品或规模化应用"


class TransferMode(models.TextChoices):
    TRANSFER = "transfer", "转让"
    LICENCE = "licence", "许可"
    EQUITY = "equity", "作价入股"
    CO_DEVELOP = "co_develop", "合作开发"
    SERVICE = "service", "技术服务"


class CooperationMode(models.TextChoices):
    TRANSFER = "transfer", "技术转让"
    LICENCE = "licence", "技术许可"
    CO_DEVELOP = "co_develop", "合作开发"
    COMMISSION = "commission", "委托开发"
    SERVICE = "service", "技术服务与咨询"
    JOINT_PLATFORM = "joint_platform", "共建研发平台"
    TALENT = "talent", "人才引进与柔性合作"


class Industry(models.TextChoices):
    """Kunming's key industry chains ("8+N"); kept here until the directory offers configurable chains."""

    BIOMEDICINE = "biomedicine", "生物医药与大健康"
    GREEN_ENERGY = "green_energy", "绿色能源"
    NEW_MATERIALS = "new_materials", "新材料（有色金属与稀贵金属）"
    EQUIPMENT = "equipment", "先进装备制造"
    DIGITAL = "digital", "数字经济与电子信息"
    FOOD = "food", "绿色食品与高原特色农业"
    CHEMICALS = "chemicals", "绿色化工"
    ENVIRONMENT = "environment", "节能环保与生态保护"
    TOURISM_CULTURE = "tourism_culture", "文旅康养"
    LOGISTICS = "logistics", "现代物流"
    OTHER = "other", "其他"


class FeedbackVerdict(models.TextChoices):
    CONTACTED = "contacted", "已联系"
    USEFUL = "useful", "有用"
    NOT_USEFUL = "not_useful", "无用"


class TargetKind(models.TextChoices):
    """What a match points at; the values are the matching engine's document kinds."""

    ACHIEVEMENT = "achievement", "科技成果"
    EXPERT = "expert", "专家人才"
    PLATFORM = "platform", "创新平台"
    INSTRUMENT = "instrument", "大型仪器"
    ENTERPRISE = "enterprise", "企业"


# Source of a record: entered on the platform, imported from a file, the demo set, or the CSL paper corpus.
SOURCE_PLATFORM = ""
SOURCE_CSL = "csl"
SOURCE_DEMO = "demo"
SOURCE_IMPORT = "import"

# 科技文献: records that are published literature, not achievements listed by an organisation. They are in the
# matching index (they make matching real) but not in the achievement list, its count or the home page figure;
# they have their own tab (科技文献) on the achievements page and their own group in the unified search.
LITERATURE_SOURCES = (SOURCE_CSL,)
