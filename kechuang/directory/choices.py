"""Status and kind values of the directory: English values stored, Chinese labels shown.

The policy engine reads ``QualificationKind`` values as facts (``high_tech``, ``tech_sme`` ...): they are a
contract, so renaming a value needs a data migration and a word with the policy engineer.
"""

from django.db import models


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    UNIVERSITY = "university", "高等院校"
    INSTITUTE = "institute", "科研院所"
    HOSPITAL = "hospital", "医疗机构"
    SERVICE_AGENCY = "service_agency", "科技服务机构"
    INCUBATOR = "incubator", "孵化载体（孵化器/众创空间/星创天地）"
    INVESTOR = "investor", "投资机构"
    NEW_RND = "new_rnd", "新型研发机构"


INSTITUTION_KINDS = {OrganisationKind.UNIVERSITY, OrganisationKind.INSTITUTE, OrganisationKind.HOSPITAL,
                     OrganisationKind.NEW_RND}


class AccountStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已驳回"


class Level(models.TextChoices):
    """Recognition level of a qualification or a platform."""

    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"
    DISTRICT = "district", "县区级"


class QualificationKind(models.TextChoices):
    HIGH_TECH = "high_tech", "高新技术企业"
    TECH_SME = "tech_sme", "科技型中小企业"
    INNOVATIVE_SME = "innovative_sme", "创新型中小企业"
    SPECIALISED = "specialised", "专精特新中小企业"
    LITTLE_GIANT = "little_giant", "专精特新“小巨人”企业"
    SINGLE_CHAMPION = "single_champion", "制造业单项冠军"
    GAZELLE = "gazelle", "瞪羚企业"
    UNICORN = "unicorn", "独角兽企业"
    HIGH_TECH_CULTIVATION = "high_tech_cultivation", "高新技术培育企业"
    # Recognitions that come with a platform but that policies test on the organisation itself.
    ENTERPRISE_TECH_CENTER = "enterprise_tech_center", "企业技术中心（认定）"
    ENTERPRISE_INNOVATION_CENTER = "enterprise_innovation_center", "企业科技创新中心（认定）"
    IP_ADVANTAGE = "ip_advantage", "知识产权优势企业"


class PersonKind(models.TextChoices):
    EXPERT = "expert", "专家"
    TECH_MANAGER = "tech_manager", "技术经理人"
    SPECIAL_ENVOY = "special_envoy", "科技特派员"
    TALENT = "talent", "人才计划入选者"


class TechManagerGrade(models.TextChoices):
    JUNIOR = "junior", "初级"
    INTERMEDIATE = "intermediate", "中级"
    SENIOR = "senior", "高级"


class PlatformKind(models.TextChoices):
    KEY_LAB = "key_lab", "重点实验室"
    ENGINEERING_CENTER = "engineering_center", "工程技术研究中心"
    INNOVATION_CENTER = "innovation_center", "技术创新中心"
    ENTERPRISE_TECH_CENTER = "enterprise_tech_center", "企业技术中心"
    NEW_RND = "new_rnd", "新型研发机构"
    INCUBATOR = "incubator", "科技企业孵化器"
    MAKERSPACE = "makerspace", "众创空间"
    STAR_SPACE = "star_space", "星创天地"
    PROOF_OF_CONCEPT = "proof_of_concept", "概念验证中心"
    PILOT_PLANT = "pilot_plant", "中试平台"
    ENTERPRISE_INNOVATION_CENTER = "enterprise_innovation_center", "企业科技创新中心"
    INTERNATIONAL_BASE = "international_base", "国际科技合作基地"
    ACADEMICIAN_WORKSTATION = "academician_workstation", "院士（专家）工作站"


class ContactRequestStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    GRANTED = "granted", "已同意"
    DECLINED = "declined", "已婉拒"


class RevealChannel(models.TextChoices):
    PAGE = "page", "详情页"
    API = "api", "接口"
    EXPORT = "export", "导出"
