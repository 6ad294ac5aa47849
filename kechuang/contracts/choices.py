"""Enumerations of technology-contract registration (English values, Chinese labels).

Types, sub-types, the eleven national technology fields and the 不予登记 reasons follow the 《技术合同认定登记管理
办法》 (MIIT, 2026-01-23) and the 火炬中心's JJ-001 registration form; see docs/contracts.md for the sources.
"""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已受理"
    CORRECTION = "correction", "待补正"
    RESUBMITTED = "resubmitted", "已补正"
    REGISTERED = "registered", "已登记"
    REFUSED = "refused", "不予登记"
    CHANGE_PENDING = "change_pending", "变更审核中"
    CHANGED = "changed", "已变更登记"
    CANCEL_PENDING = "cancel_pending", "注销审核中"
    CANCELLED = "cancelled", "已注销"


# States in which a contract is registered and counts in the statistics (a pending change or cancellation does
# not undo the registration until the registrar approves it).
COUNTED = (Status.REGISTERED, Status.CHANGED, Status.CHANGE_PENDING, Status.CANCEL_PENDING)
# States waiting for the registrar's decision, with a running working-day deadline.
AWAITING_DECISION = (Status.SUBMITTED, Status.RESUBMITTED)


class ContractType(models.TextChoices):
    DEVELOPMENT = "development", "技术开发"
    TRANSFER = "transfer", "技术转让"
    LICENCE = "licence", "技术许可"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"


class SubType(models.TextChoices):
    COMMISSIONED = "commissioned", "委托开发"
    COOPERATIVE = "cooperative", "合作开发"
    PATENT = "patent", "专利权转让"
    PATENT_APPLICATION = "patent_application", "专利申请权转让"
    KNOW_HOW = "know_how", "技术秘密转让"
    SOFTWARE = "software", "计算机软件著作权转让"
    IC_LAYOUT = "ic_layout", "集成电路布图设计专有权转让"
    PLANT_VARIETY = "plant_variety", "植物新品种权转让"
    OTHER_TRANSFER = "other_transfer", "其他技术转让"
    PATENT_LICENCE = "patent_licence", "专利实施许可"
    KNOW_HOW_LICENCE = "know_how_licence", "技术秘密使用许可"
    SOFTWARE_LICENCE = "software_licence", "计算机软件著作权许可"
    OTHER_LICENCE = "other_licence", "其他技术许可"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"
    TRAINING = "training", "技术培训"
    INTERMEDIARY = "intermediary", "技术中介"


SUBTYPES_OF: dict[str, tuple[str, ...]] = {
    ContractType.DEVELOPMENT: (SubType.COMMISSIONED, SubType.COOPERATIVE),
    ContractType.TRANSFER: (SubType.PATENT, SubType.PATENT_APPLICATION, SubType.KNOW_HOW, SubType.SOFTWARE,
                            SubType.IC_LAYOUT, SubType.PLANT_VARIETY, SubType.OTHER_TRANSFER),
    ContractType.LICENCE: (SubType.PATENT_LICENCE, SubType.KNOW_HOW_LICENCE, SubType.SOFTWARE_LICENCE,
                           SubType.OTHER_LICENCE),
    ContractType.CONSULTING: (SubType.CONSULTING,),
    ContractType.SERVICE: (SubType.SERVICE, SubType.TRAINING, SubType.INTERMEDIARY),
}


class TechField(models.TextChoices):
    """The eleven technology fields of the national statistics, labels exactly as the form prints them."""

    ELECTRONIC_INFORMATION = "electronic_information", "电子信息"
    ADVANCED_MANUFACTURING = "advanced_manufacturing", "先进制造"
    AEROSPACE = "aerospace", "航空航天"
    MODERN_TRANSPORT = "modern_transport", "现代交通"
    BIOMEDICINE = "biomedicine", "生物、医药和医疗器械"
    NEW_MATERIALS = "new_materials", "新材料及其应用"
    NEW_ENERGY = "new_energy", "新能源与高效节能"
    ENVIRONMENT = "environment", "环境保护与资源综合利用"
    NUCLEAR = "nuclear", "核应用技术"
    AGRICULTURE = "agriculture", "农业"
    URBAN_SOCIAL = "urban_social", "城市建设与社会发展"


class RefusalReason(models.TextChoices):
    """The 火炬中心's list of grounds for 不予登记."""

    NOT_EFFECTIVE = "not_effective", "合同尚未生效或无效"
    NOT_TECHNOLOGY = "not_technology", "不属于技术合同"
    UNCLEAR = "unclear", "当事人、标的或价款不明确"
    APPROVAL_MISSING = "approval_missing", "缺少依法应当办理的批准手续"
    NAME_MISMATCH = "name_mismatch", "合同名称与约定的权利义务不符"
    MONOPOLY = "monopoly", "含有非法垄断技术、妨碍技术进步的条款"
    PROOF_MISSING = "proof_missing", "缺少必要的证明文件"
    SEAL = "seal", "未加盖印章或印章与当事人名称不符"
    OTHER = "other", "其他（须说明）"


class PartyNature(models.TextChoices):
    """性质 of a party as JJ-001 codes it (the code is the value)."""

    GOVERNMENT = "01", "机关"
    INSTITUTE = "02", "科研机构"
    UNIVERSITY = "03", "高等院校"
    HOSPITAL = "04", "医疗卫生机构"
    OTHER_PUBLIC = "05", "其他事业法人"
    STATE_ENTERPRISE = "06", "国有企业"
    PRIVATE_ENTERPRISE = "07", "民营企业"
    FOREIGN_ENTERPRISE = "08", "外资及港澳台企业"
    SOCIAL = "09", "社会团体"
    INDIVIDUAL = "10", "自然人"
    OTHER = "11", "其他"


class IPType(models.TextChoices):
    NONE = "none", "未涉及知识产权"
    INVENTION = "invention", "发明专利"
    UTILITY = "utility", "实用新型专利"
    DESIGN = "design", "外观设计专利"
    SOFTWARE = "software", "计算机软件著作权"
    IC_LAYOUT = "ic_layout", "集成电路布图设计"
    PLANT_VARIETY = "plant_variety", "植物新品种"
    KNOW_HOW = "know_how", "技术秘密"
    OTHER = "other", "其他"


class Source(models.TextChoices):
    PLATFORM = "platform", "平台申报"
    IMPORT = "import", "全国系统导入"
    DEMO = "demo", "演示数据"
