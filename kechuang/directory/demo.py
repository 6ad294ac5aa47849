"""Demo data for the directory: FICTIONAL organisations, people, platforms and instruments spread over
Kunming's districts. Any resemblance of a name to a real organisation or person is accidental.

Idempotent: every row is get-or-created on its natural key (credit code; organisation + kind + date;
organisation + year; name + organisation), so ``kechuang demo`` can run again and again. Credit codes are
built with ``make_credit_code`` so that every one has a valid check digit. The figures are derived from the
name deterministically, so a second run produces the same numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TextIO

from kechuang.core.validators import make_credit_code
from kechuang.directory.choices import (
    AccountStatus,
    Level,
    OrganisationKind,
    PersonKind,
    PlatformKind,
    QualificationKind,
    TechManagerGrade,
)
from kechuang.directory.models import (
    IndustryChain,
    Instrument,
    Organisation,
    Person,
    Platform,
    Qualification,
    YearlyFigure,
)

# The "8+N" industry chains: the 8 city-level key chains first, then district specialities.
CHAINS = [
    ("biomedicine", "生物医药", True), ("green-energy", "绿色能源", True), ("new-materials", "新材料（绿色铝硅·稀贵金属）", True),
    ("equipment", "先进装备制造", True), ("digital", "数字经济", True), ("plateau-agriculture", "高原特色现代农业", True),
    ("green-food", "绿色食品", True), ("health-tourism", "文旅康养", True),
    ("optoelectronics", "光电子信息", False), ("logistics", "现代物流", False), ("eco-environment", "节能环保", False),
]

E, U, I, H, S, C, V, N = (  # noqa: E741 - one-letter kinds keep the data table readable
    OrganisationKind.ENTERPRISE, OrganisationKind.UNIVERSITY, OrganisationKind.INSTITUTE, OrganisationKind.HOSPITAL,
    OrganisationKind.SERVICE_AGENCY, OrganisationKind.INCUBATOR, OrganisationKind.INVESTOR, OrganisationKind.NEW_RND,
)
Q = QualificationKind

# (name, credit code body or full code, kind, region, chains, business scope, employees, founded, qualifications)
ORGANISATIONS: list[tuple[str, str, str, str, list[str], str, int, int, list[tuple[str, str, int]]]] = [
    ("昆明滇科智能装备有限公司", "91530111MA6N0A0125", E, "530111", ["equipment", "digital"],
     "工业机器人、智能产线集成、视觉检测设备的研发、生产与销售", 286, 2014,
     [(Q.HIGH_TECH, "national", 2022), (Q.SPECIALISED, "provincial", 2023), (Q.TECH_SME, "national", 2024)]),
    ("滇池理工大学", "12530000MB0A000130", U, "530114", ["equipment", "new-materials", "digital"],
     "工学、理学为主的省属本科高校，设机械工程、材料科学、计算机科学等学科", 2650, 1958, []),
    ("云岭本草生物制药股份有限公司", "91530111MA6D00001", E, "530111", ["biomedicine"],
     "天然药物、民族药的研发与生产；三七、灯盏花提取物及制剂", 860, 2003,
     [(Q.HIGH_TECH, "national", 2023), (Q.LITTLE_GIANT, "national", 2022), (Q.ENTERPRISE_TECH_CENTER, "provincial", 2019)]),
    ("昆明春晖光电科技有限公司", "91530103MA6D00002", E, "530103", ["optoelectronics"],
     "红外光学镜头、光电探测模组及夜视系统的研发与制造", 342, 2011,
     [(Q.HIGH_TECH, "national", 2021), (Q.SPECIALISED, "provincial", 2022), (Q.GAZELLE, "provincial", 2024)]),
    ("云南翠湖数智信息技术有限公司", "91530102MA6D00003", E, "530102", ["digital"],
     "政务数据治理平台、工业互联网标识解析二级节点运营、软件开发", 158, 2016,
     [(Q.HIGH_TECH, "national", 2023), (Q.TECH_SME, "national", 2025)]),
    ("昆明高原绿能新能源科技有限公司", "91530114MA6D00004", E, "530114", ["green-energy"],
     "分布式光伏电站设计运维、储能系统集成、氢能应用示范", 124, 2018,
     [(Q.HIGH_TECH, "national", 2024), (Q.TECH_SME, "national", 2025)]),
    ("安宁滇铝新材料股份有限公司", "91530181MA6D00005", E, "530181", ["new-materials"],
     "高性能铝合金板带箔、再生铝及铝基复合材料", 1240, 2008,
     [(Q.HIGH_TECH, "national", 2022), (Q.SINGLE_CHAMPION, "national", 2023), (Q.ENTERPRISE_TECH_CENTER, "national", 2020)]),
    ("昆明金马稀贵金属材料有限公司", "91530112MA6D00006", E, "530112", ["new-materials"],
     "铂族金属催化材料、电子浆料、贵金属回收提纯", 410, 2006,
     [(Q.HIGH_TECH, "national", 2023), (Q.LITTLE_GIANT, "national", 2024)]),
    ("云南七彩花卉种业科技有限公司", "91530115MA6D00007", E, "530115", ["plateau-agriculture"],
     "鲜切花新品种选育、种苗组培快繁、花卉采后保鲜技术服务", 96, 2012,
     [(Q.HIGH_TECH, "national", 2022), (Q.TECH_SME, "national", 2025)]),
    ("嵩明绿源食品科技有限公司", "91530127MA6D00008", E, "530127", ["green-food", "plateau-agriculture"],
     "高原蔬菜净菜加工、预制菜研发、冷链配送", 230, 2015,
     [(Q.TECH_SME, "national", 2025), (Q.HIGH_TECH_CULTIVATION, "municipal", 2024)]),
    ("昆明螺蛳湾供应链管理有限公司", "91530111MA6D00009", E, "530111", ["logistics", "digital"],
     "跨境供应链数字化平台、智慧仓储与南亚东南亚物流通道服务", 188, 2017,
     [(Q.TECH_SME, "national", 2024)]),
    ("云南澄江生态环保科技有限公司", "91530112MA6D00010", E, "530112", ["eco-environment"],
     "高原湖泊水环境治理、底泥资源化、水质在线监测设备", 145, 2013,
     [(Q.HIGH_TECH, "national", 2022), (Q.SPECIALISED, "provincial", 2024)]),
    ("昆明长水航空装备维修工程有限公司", "91530111MA6D00011", E, "530111", ["equipment"],
     "民航飞机部附件维修、航空地面设备研制", 320, 2010,
     [(Q.HIGH_TECH, "national", 2023), (Q.ENTERPRISE_INNOVATION_CENTER, "municipal", 2024)]),
    ("云南普洱茶道生物科技有限公司", "91530124MA6D00012", E, "530124", ["green-food", "biomedicine"],
     "茶多酚、茶黄素等功能成分提取，功能性食品研发", 75, 2019,
     [(Q.TECH_SME, "national", 2025), (Q.HIGH_TECH_CULTIVATION, "municipal", 2025)]),
    ("昆明滇池医疗器械有限公司", "91530114MA6D00013", E, "530114", ["biomedicine", "equipment"],
     "一次性医用耗材、骨科植入物、康复辅具的研发与生产", 268, 2012,
     [(Q.HIGH_TECH, "national", 2021), (Q.SPECIALISED, "provincial", 2023), (Q.GAZELLE, "provincial", 2023)]),
    ("石林喀斯特文旅数字科技有限公司", "91530126MA6D00014", E, "530126", ["health-tourism", "digital"],
     "景区智慧导览、沉浸式文旅体验、文旅大数据服务", 64, 2020,
     [(Q.TECH_SME, "national", 2024)]),
    ("宜良恒温农业装备有限公司", "91530125MA6D00015", E, "530125", ["plateau-agriculture", "equipment"],
     "智能温室、水肥一体化设备、农业物联网系统", 118, 2014,
     [(Q.HIGH_TECH, "national", 2023), (Q.TECH_SME, "national", 2025)]),
    ("东川铜都矿冶技术有限公司", "91530113MA6D00016", E, "530113", ["new-materials", "eco-environment"],
     "低品位铜矿选冶、尾矿综合利用技术服务与装备", 205, 2009,
     [(Q.HIGH_TECH, "national", 2022)]),
    ("寻甸高原牧业科技有限公司", "91530129MA6D00017", E, "530129", ["plateau-agriculture", "green-food"],
     "肉牛良种繁育、饲草种植与青贮技术、乳制品加工", 152, 2016,
     [(Q.TECH_SME, "national", 2024), (Q.HIGH_TECH_CULTIVATION, "municipal", 2023)]),
    ("禄劝山地中药材种植专业合作社联合社", "93530128MA6D00018", E, "530128", ["biomedicine", "plateau-agriculture"],
     "重楼、白及等道地中药材规范化种植与初加工", 58, 2017, []),
    ("昆明云端算力科技有限公司", "91530114MA6D00019", E, "530114", ["digital"],
     "绿色数据中心运营、智算服务、行业大模型微调与部署", 136, 2021,
     [(Q.HIGH_TECH, "national", 2024), (Q.GAZELLE, "municipal", 2025)]),
    ("云南彩云锂电科技有限公司", "91530181MA6D00020", E, "530181", ["green-energy", "new-materials"],
     "磷酸铁锂正极材料、储能电芯及电池管理系统", 520, 2019,
     [(Q.HIGH_TECH, "national", 2022), (Q.UNICORN, "provincial", 2024), (Q.LITTLE_GIANT, "national", 2025)]),
    ("昆明西山精工模具有限公司", "91530112MA6D00021", E, "530112", ["equipment"],
     "精密冲压模具、注塑模具设计制造", 88, 2007,
     [(Q.SPECIALISED, "provincial", 2022), (Q.TECH_SME, "national", 2024)]),
    ("晋宁磷化工新材料科技有限公司", "91530115MA6D00022", E, "530115", ["new-materials", "eco-environment"],
     "精细磷化工、电子级磷酸、磷石膏综合利用", 390, 2011,
     [(Q.HIGH_TECH, "national", 2023)]),
    ("昆明盘龙智慧康养科技有限公司", "91530103MA6D00023", E, "530103", ["health-tourism", "digital"],
     "智慧养老平台、可穿戴健康监测设备、社区康养服务", 72, 2018,
     [(Q.TECH_SME, "national", 2025)]),
    ("云南高黎贡生物多样性科技有限公司", "91530102MA6D00024", E, "530102", ["biomedicine", "eco-environment"],
     "植物种质资源保存、天然产物筛选、生态监测服务", 54, 2020,
     [(Q.TECH_SME, "national", 2024), (Q.HIGH_TECH_CULTIVATION, "municipal", 2024)]),
    ("昆明呈贡智能网联汽车测试有限公司", "91530114MA6D00025", E, "530114", ["equipment", "digital"],
     "高原山地智能网联汽车测试场运营、车路协同系统", 96, 2021,
     [(Q.TECH_SME, "national", 2025)]),
    ("富民滇中水果产业科技有限公司", "91530124MA6D00026", E, "530124", ["plateau-agriculture", "green-food"],
     "蓝莓、樱桃优新品种引种、设施栽培与冷链销售", 110, 2015,
     [(Q.TECH_SME, "national", 2024)]),
    ("昆明官渡区智造工业设计有限公司", "91530111MA6D00027", E, "530111", ["equipment"],
     "工业设计、产品结构设计、快速样机制造", 40, 2019,
     [(Q.TECH_SME, "national", 2025)]),
    ("云南南亚跨境数字贸易有限公司", "91530102MA6D00028", E, "530102", ["digital", "logistics"],
     "跨境电商平台、多语种数字营销与结算服务", 66, 2020, []),
    ("昆明植物化学研究所", "12530000MB0B00001", I, "530102", ["biomedicine", "plateau-agriculture"],
     "天然产物化学、民族药物与植物资源开发利用研究", 420, 1959, []),
    ("云南高原农业科学研究院", "12530000MB0B00002", I, "530112", ["plateau-agriculture", "green-food"],
     "花卉、茶叶、蔬菜等高原特色作物育种与栽培技术研究", 610, 1962, []),
    ("昆明有色金属研究设计院", "12530000MB0B00003", I, "530111", ["new-materials", "equipment"],
     "有色金属冶金、材料加工工艺与装备研究设计", 350, 1965, []),
    ("云南光电技术研究所", "12530000MB0B00004", I, "530103", ["optoelectronics"],
     "红外与微光成像、光学薄膜与精密光学加工", 280, 1970, []),
    ("春城医科大学", "12530000MB0A00002", U, "530114", ["biomedicine", "health-tourism"],
     "医学院校：临床医学、药学、公共卫生与预防医学", 1860, 1956, []),
    ("滇西农林大学昆明校区", "12530000MB0A00003", U, "530127", ["plateau-agriculture", "green-food"],
     "农学、林学、食品科学与工程", 980, 1938, []),
    ("昆明信息工程学院", "12530000MB0A00004", U, "530114", ["digital", "optoelectronics"],
     "电子信息、软件工程、人工智能本科教育与应用研究", 720, 2001, []),
    ("春城医科大学第一附属医院", "12530000MB0C00001", H, "530102", ["biomedicine"],
     "三级甲等综合医院，国家药物临床试验机构", 3200, 1941, []),
    ("昆明市中医药研究医院", "12530100MB0C00002", H, "530103", ["biomedicine", "health-tourism"],
     "中医药临床研究与院内制剂研发", 760, 1978, []),
    ("昆明滇中技术转移服务中心有限公司", "91530114MA6D00029", S, "530114", ["digital"],
     "技术转移、科技成果评价、知识产权运营与技术经纪服务", 35, 2018, [(Q.TECH_SME, "national", 2025)]),
    ("昆明金鼎科技企业孵化器有限公司", "91530112MA6D00030", C, "530112", ["digital", "equipment"],
     "科技企业孵化、众创空间运营、创业辅导与投融资对接", 28, 2012, []),
    ("云南春城科创投资基金管理有限公司", "91530102MA6D00031", V, "530102", ["biomedicine", "digital", "green-energy"],
     "科技型企业股权投资、天使投资基金管理", 22, 2016, []),
    ("滇池新材料产业技术研究院", "52530114MJ0D00001", N, "530114", ["new-materials", "green-energy"],
     "新型研发机构：铝基新材料、储能材料中试与产业化", 84, 2020, []),
    ("安宁绿色化工中试基地有限公司", "91530181MA6D00032", E, "530181", ["new-materials", "eco-environment"],
     "精细化工中试放大、工艺包开发与安全评价服务", 46, 2021, [(Q.TECH_SME, "national", 2025)]),
]

PEOPLE = [
    # (name, kind, grade, programme, title, fields, organisation name, phone, email)
    ("杨志远", PersonKind.EXPERT, "", "春城计划高层次科技人才", "教授、博士生导师", "智能制造、机器人控制", "滇池理工大学", "0871-65010001", "yangzy@dclg.example.edu.cn"),
    ("赵晓梅", PersonKind.EXPERT, "", "春城计划青年拔尖人才", "研究员", "天然药物化学、民族药", "昆明植物化学研究所", "0871-65010002", "zhaoxm@kmzh.example.cn"),
    ("李建国", PersonKind.EXPERT, "", "", "正高级工程师", "铝合金加工、材料成形", "安宁滇铝新材料股份有限公司", "0871-68010003", "lijg@dianlv.example.com"),
    ("王丽华", PersonKind.TECH_MANAGER, TechManagerGrade.SENIOR, "", "高级技术经理人", "生物医药成果转化、知识产权运营", "昆明滇中技术转移服务中心有限公司", "13908710004", "wanglh@dzjz.example.com"),
    ("陈宇航", PersonKind.TECH_MANAGER, TechManagerGrade.INTERMEDIATE, "", "技术经纪人", "电子信息、软件著作权许可", "昆明滇中技术转移服务中心有限公司", "13908710005", "chenyh@dzjz.example.com"),
    ("刘芳", PersonKind.TECH_MANAGER, TechManagerGrade.JUNIOR, "", "技术转移专员", "农业技术推广、品种权转让", "云南高原农业科学研究院", "13908710006", "liuf@gyny.example.cn"),
    ("张德明", PersonKind.SPECIAL_ENVOY, "", "", "高级农艺师", "花卉种苗、设施栽培", "云南高原农业科学研究院", "13908710007", "zhangdm@gyny.example.cn"),
    ("普春兰", PersonKind.SPECIAL_ENVOY, "", "", "副研究员", "中药材规范化种植", "昆明植物化学研究所", "13908710008", "pucl@kmzh.example.cn"),
    ("马文斌", PersonKind.SPECIAL_ENVOY, "", "", "畜牧师", "肉牛繁育、饲草青贮", "滇西农林大学昆明校区", "13908710009", "mawb@dxnl.example.edu.cn"),
    ("孙海燕", PersonKind.TALENT, "", "春城计划产业创新人才", "总工程师", "红外光学设计", "昆明春晖光电科技有限公司", "13908710010", "sunhy@chunhui.example.com"),
    ("何俊", PersonKind.TALENT, "", "春城计划青年拔尖人才", "副教授", "计算机视觉、工业质检", "昆明信息工程学院", "13908710011", "hejun@kmxx.example.edu.cn"),
    ("段丽娟", PersonKind.EXPERT, "", "", "主任医师、教授", "心血管药物临床研究", "春城医科大学第一附属医院", "0871-65010012", "duanlj@cy1.example.org"),
    ("周立新", PersonKind.EXPERT, "", "春城计划高层次科技人才", "研究员", "储能材料、锂电正极", "滇池新材料产业技术研究院", "0871-65010013", "zhoulx@dcxcl.example.cn"),
    ("罗永红", PersonKind.EXPERT, "", "", "教授级高工", "冶金工艺、有色金属回收", "昆明有色金属研究设计院", "0871-65010014", "luoyh@ksyj.example.cn"),
    ("杜雪莲", PersonKind.TECH_MANAGER, TechManagerGrade.SENIOR, "", "合伙人", "科技金融、股权投资", "云南春城科创投资基金管理有限公司", "13908710015", "duxl@cckc.example.com"),
    ("朱国平", PersonKind.EXPERT, "", "", "教授", "高原湖泊水环境治理", "滇池理工大学", "0871-65010016", "zhugp@dclg.example.edu.cn"),
    ("黄晓云", PersonKind.TALENT, "", "春城计划产业创新人才", "研发总监", "医疗器械设计、骨科植入物", "昆明滇池医疗器械有限公司", "13908710017", "huangxy@dcyl.example.com"),
    ("钱明", PersonKind.SPECIAL_ENVOY, "", "", "工程师", "智能温室、农业物联网", "宜良恒温农业装备有限公司", "13908710018", "qianm@hwny.example.com"),
    ("郑雨萱", PersonKind.TECH_MANAGER, TechManagerGrade.INTERMEDIATE, "", "孵化器运营经理", "创业辅导、政策申报", "昆明金鼎科技企业孵化器有限公司", "13908710019", "zhengyx@jdfh.example.com"),
    ("冯建华", PersonKind.EXPERT, "", "", "研究员", "茶叶加工与功能成分", "云南高原农业科学研究院", "0871-65010020", "fengjh@gyny.example.cn"),
]

PLATFORMS = [
    # (name, kind, level, host, recognised year, fields, chains)
    ("高原特色药用植物资源利用重点实验室", PlatformKind.KEY_LAB, Level.PROVINCIAL, "昆明植物化学研究所", 2012, "药用植物资源、天然产物", ["biomedicine"]),
    ("智能制造装备工程技术研究中心", PlatformKind.ENGINEERING_CENTER, Level.PROVINCIAL, "滇池理工大学", 2015, "工业机器人、数控装备", ["equipment"]),
    ("铝基新材料技术创新中心", PlatformKind.INNOVATION_CENTER, Level.PROVINCIAL, "安宁滇铝新材料股份有限公司", 2021, "高性能铝合金、再生铝", ["new-materials"]),
    ("云岭本草企业技术中心", PlatformKind.ENTERPRISE_TECH_CENTER, Level.NATIONAL, "云岭本草生物制药股份有限公司", 2019, "民族药制剂、质量标准", ["biomedicine"]),
    ("滇池新材料产业技术研究院", PlatformKind.NEW_RND, Level.PROVINCIAL, "滇池新材料产业技术研究院", 2020, "铝基与储能材料中试", ["new-materials", "green-energy"]),
    ("金鼎科技企业孵化器", PlatformKind.INCUBATOR, Level.NATIONAL, "昆明金鼎科技企业孵化器有限公司", 2016, "电子信息、先进制造企业孵化", ["digital", "equipment"]),
    ("翠湖创客众创空间", PlatformKind.MAKERSPACE, Level.PROVINCIAL, "昆明金鼎科技企业孵化器有限公司", 2018, "大学生创业、软件开发", ["digital"]),
    ("宜良花果星创天地", PlatformKind.STAR_SPACE, Level.PROVINCIAL, "宜良恒温农业装备有限公司", 2019, "农村创新创业、设施农业", ["plateau-agriculture"]),
    ("生物医药概念验证中心", PlatformKind.PROOF_OF_CONCEPT, Level.MUNICIPAL, "春城医科大学", 2023, "早期药物与器械概念验证", ["biomedicine"]),
    ("绿色化工中试平台", PlatformKind.PILOT_PLANT, Level.MUNICIPAL, "安宁绿色化工中试基地有限公司", 2022, "精细化工中试放大", ["new-materials", "eco-environment"]),
    ("春晖光电企业科技创新中心", PlatformKind.ENTERPRISE_INNOVATION_CENTER, Level.MUNICIPAL, "昆明春晖光电科技有限公司", 2023, "红外光学、光电探测", ["optoelectronics"]),
    ("滇科智能企业科技创新中心", PlatformKind.ENTERPRISE_INNOVATION_CENTER, Level.MUNICIPAL, "昆明滇科智能装备有限公司", 2023, "机器视觉检测、智能产线", ["equipment", "digital"]),
    ("高原湖泊生态治理国际科技合作基地", PlatformKind.INTERNATIONAL_BASE, Level.MUNICIPAL, "滇池理工大学", 2021, "湖泊治理、南亚东南亚合作", ["eco-environment"]),
    ("花卉种质创新院士（专家）工作站", PlatformKind.ACADEMICIAN_WORKSTATION, Level.PROVINCIAL, "云南高原农业科学研究院", 2017, "花卉育种、种质资源", ["plateau-agriculture"]),
    ("心血管药物临床研究重点实验室", PlatformKind.KEY_LAB, Level.MUNICIPAL, "春城医科大学第一附属医院", 2020, "心血管药物临床评价", ["biomedicine"]),
]

INSTRUMENTS = [
    # (name, model, manufacturer, category, value yuan, host, location, sharing, fee)
    ("场发射扫描电子显微镜", "SU-8220", "日立", "电子光学仪器", 4_860_000, "滇池理工大学", "呈贡校区材料楼 B102", "对外开放共享，需预约，可派员操作", "校外 600 元/小时"),
    ("超导核磁共振波谱仪", "AVANCE NEO 600", "布鲁克", "波谱仪器", 8_200_000, "昆明植物化学研究所", "分析测试中心 101", "预约制，送样测试", "氢谱 200 元/样"),
    ("高分辨液质联用仪", "Q Exactive HF", "赛默飞", "质谱仪器", 5_350_000, "昆明植物化学研究所", "分析测试中心 205", "送样测试", "800 元/样起"),
    ("X 射线衍射仪", "D8 ADVANCE", "布鲁克", "X 射线仪器", 2_150_000, "昆明有色金属研究设计院", "测试楼 3 层", "对外开放，需预约", "300 元/样"),
    ("电感耦合等离子体质谱仪", "iCAP RQ", "赛默飞", "质谱仪器", 1_980_000, "昆明有色金属研究设计院", "测试楼 2 层", "送样测试", "150 元/元素"),
    ("激光共聚焦显微镜", "LSM 980", "蔡司", "光学仪器", 3_600_000, "春城医科大学", "基础医学楼 412", "校内优先，校外预约", "400 元/小时"),
    ("红外热像测试系统", "HT-640", "国产", "光电测试仪器", 1_200_000, "云南光电技术研究所", "光电测试中心", "委托测试", "面议"),
    ("电池充放电测试系统", "BTS-5V100A", "国产", "电化学仪器", 1_050_000, "滇池新材料产业技术研究院", "中试车间 2 楼", "对外开放共享", "按通道计费 20 元/天"),
    ("三坐标测量机", "CONTURA 7/10/6", "蔡司", "计量仪器", 1_380_000, "昆明滇科智能装备有限公司", "官渡区生产基地质检室", "对园区企业开放", "350 元/小时"),
    ("气相色谱质谱联用仪", "8890-5977B", "安捷伦", "色谱仪器", 1_150_000, "云南高原农业科学研究院", "农产品质量检测中心", "送样测试", "农残 300 元/样"),
]


def _digest(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)


def _code(body_or_code: str) -> str:
    return body_or_code if len(body_or_code) == 18 else make_credit_code(body_or_code)


def load(out: TextIO) -> None:
    chains = {}
    for order, (code, name, key) in enumerate(CHAINS):
        chains[code], _ = IndustryChain.objects.get_or_create(
            code=code, defaults={"name": name, "is_key": key, "sort_order": order})
    orgs: dict[str, Organisation] = {}
    for name, body, kind, region, chain_codes, scope, employees, founded, quals in ORGANISATIONS:
        h = _digest(name)
        org, created = Organisation.objects.get_or_create(credit_code=_code(body), defaults={
            "name": name, "kind": kind, "region_code": region, "status": AccountStatus.APPROVED,
            "business_scope": scope, "employees": employees, "established_on": dt.date(founded, 1 + h % 12, 1 + h % 28),
            "introduction": f"{name}成立于{founded}年，主要从事{scope}。",
            "address": f"昆明市{_district(region)}科创路{h % 300 + 1}号",
            "contact_name": "办公室", "contact_phone": f"0871-6{h % 10_000_000:07d}",
            "contact_email": f"contact{h % 100000}@demo.kechuang.example",
        })
        if created or not org.industry_chains.exists():
            org.industry_chains.set([chains[c] for c in chain_codes])
            org.save()  # refresh search_text with the chain names
        orgs[name] = org
        for kind_q, level, year in quals:
            recognised = dt.date(year, 10 + h % 3, 1 + h % 25)
            Qualification.objects.get_or_create(organisation=org, kind=kind_q, recognised_on=recognised, defaults={
                "level": level, "valid_until": dt.date(year + 3, recognised.month, recognised.day),
                "certificate_no": f"GR{year}53{h % 1_000_000:06d}" if kind_q == Q.HIGH_TECH else ""})
        if kind == E:
            base = 8_000_000 + (h % 400) * 1_000_000 * max(1, employees // 100)
            for i, year in enumerate((2022, 2023, 2024)):
                revenue = int(base * (1 + 0.12 * i))
                YearlyFigure.objects.get_or_create(organisation=org, year=year, defaults={
                    "revenue_yuan": revenue, "rnd_expense_yuan": int(revenue * (0.03 + (h % 5) / 100)),
                    "rnd_staff": max(3, employees * (10 + h % 15) // 100)})
    for i, (name, kind, grade, programme, title, fields, org_name, phone, email) in enumerate(PEOPLE):
        Person.objects.get_or_create(name=name, organisation=orgs[org_name], defaults={
            "kind": kind, "grade": grade, "talent_programme": programme, "title": title, "fields": fields,
            "region_code": orgs[org_name].region_code, "phone": phone, "email": email,
            # Every other demo person agreed to show their contact; the others show the contact request.
            "contact_consent": i % 2 == 0,
            "bio": f"{title}，主要研究方向为{fields}。"})
    for name, kind, level, host, year, fields, chain_codes in PLATFORMS:
        platform, created = Platform.objects.get_or_create(name=name, organisation=orgs[host], defaults={
            "kind": kind, "level": level, "recognised_on": dt.date(year, 6, 30), "fields": fields,
            "description": f"依托{host}建设，聚焦{fields}。"})
        if created:
            platform.industry_chains.set([chains[c] for c in chain_codes])
    for name, model, maker, category, value, host, location, sharing, fee in INSTRUMENTS:
        Instrument.objects.get_or_create(name=name, organisation=orgs[host], defaults={
            "model_number": model, "manufacturer": maker, "category": category, "original_value_yuan": value,
            "location": location, "sharing_terms": sharing, "fee": fee,
            "contact_phone": f"0871-6{_digest(name) % 10_000_000:07d}"})
    out.write(f"创新资源库：{len(orgs)} 家机构、{len(PEOPLE)} 位专家人才、{len(PLATFORMS)} 个平台、{len(INSTRUMENTS)} 台仪器\n")


def _district(code: str) -> str:
    from kechuang.core import regions

    return regions.name_of(code)
