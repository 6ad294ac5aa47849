from django.db import models


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", "企业用户"
    INSTITUTION = "institution", "高校院所用户"
    BROKER = "broker", "技术经理人"
    REVIEWER = "reviewer", "评审专家"
    BANK = "bank", "银行"
    INSURER = "insurer", "保险机构"
    STAFF = "staff", "科技局工作人员"
    REGISTRAR = "registrar", "技术合同登记员"
    ADMIN = "admin", "系统管理员"


BUREAU_ROLES = {Role.STAFF, Role.ADMIN}
# Roles that act for an organisation and so must belong to one.
ORGANISATION_ROLES = {Role.ENTERPRISE, Role.INSTITUTION}
