from django.db import models


class FlagStatus(models.TextChoices):
    OPEN = "open", "待处理"
    CORRECTED = "corrected", "已更正"
    REJECTED = "rejected", "不予更正"


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", "授权中"
    REVOKED = "revoked", "已撤回"


class InstitutionKind(models.TextChoices):
    BANK = "bank", "银行"
    INSURER = "insurer", "保险机构"


class LoanKind(models.TextChoices):
    CREDIT = "credit", "授信"
    DISBURSEMENT = "disbursement", "放款"
    INSURANCE = "insurance", "承保（积分保）"
