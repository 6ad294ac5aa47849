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
