"""The registry's official vocabularies (SPEC §5): household attributes, poverty causes,
assistance categories (五个一批), statuses and monitoring categories (防返贫监测, after 2020)."""

from __future__ import annotations

from enum import StrEnum


class Attribute(StrEnum):
    GENERAL = "general"  # 一般贫困户
    SUBSISTENCE = "subsistence_allowance"  # 低保贫困户
    DESTITUTE = "destitute_support"  # 特困供养贫困户


class PovertyCause(StrEnum):
    ILLNESS = "illness"  # 因病
    DISABILITY = "disability"  # 因残
    SCHOOLING = "schooling"  # 因学
    DISASTER = "disaster"  # 因灾
    LACK_OF_LAND = "lack_of_land"  # 缺土地
    LACK_OF_WATER = "lack_of_water"  # 缺水
    LACK_OF_SKILLS = "lack_of_skills"  # 缺技术
    LACK_OF_LABOUR = "lack_of_labour"  # 缺劳力
    LACK_OF_FUNDS = "lack_of_funds"  # 缺资金
    POOR_TRANSPORT = "poor_transport"  # 交通条件落后
    LACK_OF_DRIVE = "lack_of_drive"  # 自身发展动力不足


class AssistanceCategory(StrEnum):
    """五个一批: the five channels out of poverty."""

    PRODUCTION = "production"  # 发展生产脱贫一批
    RELOCATION = "relocation"  # 易地搬迁脱贫一批
    ECOLOGICAL = "ecological_compensation"  # 生态补偿脱贫一批
    EDUCATION = "education"  # 发展教育脱贫一批
    SOCIAL_SECURITY = "social_security"  # 社会保障兜底一批


class Status(StrEnum):
    IDENTIFIED = "identified"  # 识别建档
    UNDER_ASSISTANCE = "under_assistance"  # 帮扶中 (未脱贫)
    EXITED = "exited"  # 已脱贫
    MONITORED = "monitored"  # 监测对象
    CLEARED = "cleared"  # 风险消除 (a monitored household that was never registered poor)
    REMOVED = "removed"  # 清退 (identified in error)


class MonitoringCategory(StrEnum):
    UNSTABLE_EXITED = "unstable_exited"  # 脱贫不稳定户: had exited
    MARGINAL = "marginal"  # 边缘易致贫户: never registered poor
    SUDDEN_HARDSHIP = "sudden_hardship"  # 突发严重困难户: any household
