"""Tax benefits that a registered contract may open, as INFORMATION for the parties (the platform decides none of
them: the tax office does). Each entry names the rule and the documents the tax office asks for."""

from __future__ import annotations

from typing import Any

from kechuang.contracts.choices import ContractType, SubType

VAT = {
    "title": "增值税：技术转让、技术开发及相关技术咨询、技术服务收入免征增值税",
    "rule": "《营业税改征增值税试点过渡政策的规定》（财税〔2016〕36号附件3）第一条第（二十六）项",
    "documents": ["技术合同认定登记证明", "经认定登记的技术合同文本", "收款凭证及发票"],
    "who": "卖方（提供技术的一方）",
}
INCOME_TAX = {
    "title": "企业所得税：一个纳税年度内技术转让所得不超过500万元的部分免征，超过部分减半征收",
    "rule": "《中华人民共和国企业所得税法实施条例》第九十条；《关于居民企业技术转让有关企业所得税政策问题的通知》"
            "（财税〔2010〕111号）",
    "documents": ["技术合同认定登记证明", "技术转让所得归集、分摊、计算的说明", "技术转让合同及收款凭证"],
    "who": "卖方（转让方、许可方）",
}
RD_DEDUCTION = {
    "title": "研发费用加计扣除：委托开发合同经受托方登记后，委托方可按规定享受研发费用加计扣除",
    "rule": "《关于完善研究开发费用税前加计扣除政策的通知》（财税〔2015〕119号）；"
            "国家税务总局公告2015年第97号",
    "documents": ["经科技行政主管部门登记的委托开发合同", "技术合同认定登记证明", "研发项目立项及费用归集资料"],
    "who": "买方（委托方）",
}


def benefits_for(contract: Any) -> list[dict[str, Any]]:
    out = []
    if contract.contract_type in (ContractType.DEVELOPMENT, ContractType.TRANSFER, ContractType.LICENCE,
                                  ContractType.CONSULTING, ContractType.SERVICE):
        vat = dict(VAT)
        if contract.contract_type in (ContractType.CONSULTING, ContractType.SERVICE):
            vat["note"] = "技术咨询、技术服务收入仅在与技术转让或技术开发相关、且价款与其开具在同一张发票上时适用"
        out.append(vat)
    if contract.contract_type in (ContractType.TRANSFER, ContractType.LICENCE):
        out.append(INCOME_TAX)
    if contract.sub_type == SubType.COMMISSIONED:
        out.append(RD_DEDUCTION)
    return out
