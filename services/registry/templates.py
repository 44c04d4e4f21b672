"""The import templates the platform publishes: their columns with the Chinese headers an
officer sees, the Chinese labels accepted for every vocabulary, and the header row check."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kit.errors import FieldViolation, InvalidArgument
from services.registry import national_codes
from services.registry.vocabulary import (
    AssistanceCategory,
    Attribute,
    MonitoringCategory,
    PovertyCause,
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False


class TemplateKind(StrEnum):
    HOUSEHOLDS = "households"  # households and members, one row per member
    BENEFITS = "benefits"  # departments' policy-subsidy data (quarterly)


HOUSEHOLD_PART = (
    Column("household_number", "户编号", True),
    Column("village_code", "村代码", True),
    Column("attribute", "户属性", True),
    Column("main_cause", "主要致贫原因", True),
    Column("secondary_causes", "其他致贫原因", False),
    Column("assistance_category", "帮扶类别", False),
    Column("monitoring_category", "监测类别", False),
    Column("latitude", "纬度", False),
    Column("longitude", "经度", False),
    *(Column(spec.name, spec.header) for spec in national_codes.HOUSEHOLD_FIELDS),
    Column("bank_account", "补贴发放银行账号", False),
    Column("assistance_categories", "五个一批帮扶类别", False),
)
MEMBER_PART = (
    Column("name", "姓名", True),
    Column("id_number", "证件号码", True),
    Column("relation", "与户主关系", True),
    Column("education", "文化程度", False),
    Column("health", "健康状况", False),
    Column("disability", "残疾情况", False),
    Column("labour_capacity", "劳动能力", False),
    Column("schooling", "在校生状况", False),
    Column("phone", "联系电话", False),
    *(Column(spec.name, spec.header) for spec in national_codes.MEMBER_FIELDS),
)
HOUSEHOLD_COLUMNS = HOUSEHOLD_PART + MEMBER_PART
HOUSEHOLD_FIELDS = tuple(c.key for c in HOUSEHOLD_PART)
MEMBER_FIELDS = tuple(c.key for c in MEMBER_PART)

BENEFIT_COLUMNS = (
    Column("household_number", "户编号", True),
    Column("year", "年度", True),
    Column("quarter", "季度", True),
    Column("department", "部门", True),
    Column("program", "政策项目", True),
    Column("amount", "金额(元)", True),
)

COLUMNS = {TemplateKind.HOUSEHOLDS: HOUSEHOLD_COLUMNS, TemplateKind.BENEFITS: BENEFIT_COLUMNS}

LABELS: dict[str, dict[str, str]] = {
    "attribute": {
        "一般贫困户": Attribute.GENERAL,
        "低保贫困户": Attribute.SUBSISTENCE,
        "特困供养贫困户": Attribute.DESTITUTE,
    },
    "cause": {
        "因病": PovertyCause.ILLNESS,
        "因残": PovertyCause.DISABILITY,
        "因学": PovertyCause.SCHOOLING,
        "因灾": PovertyCause.DISASTER,
        "缺土地": PovertyCause.LACK_OF_LAND,
        "缺水": PovertyCause.LACK_OF_WATER,
        "缺技术": PovertyCause.LACK_OF_SKILLS,
        "缺劳力": PovertyCause.LACK_OF_LABOUR,
        "缺资金": PovertyCause.LACK_OF_FUNDS,
        "交通条件落后": PovertyCause.POOR_TRANSPORT,
        "自身发展动力不足": PovertyCause.LACK_OF_DRIVE,
    },
    "assistance_category": {
        "发展生产脱贫一批": AssistanceCategory.PRODUCTION,
        "易地搬迁脱贫一批": AssistanceCategory.RELOCATION,
        "生态补偿脱贫一批": AssistanceCategory.ECOLOGICAL,
        "发展教育脱贫一批": AssistanceCategory.EDUCATION,
        "社会保障兜底一批": AssistanceCategory.SOCIAL_SECURITY,
    },
    "monitoring_category": {
        "脱贫不稳定户": MonitoringCategory.UNSTABLE_EXITED,
        "边缘易致贫户": MonitoringCategory.MARGINAL,
        "突发严重困难户": MonitoringCategory.SUDDEN_HARDSHIP,
    },
    "relation": {
        "户主": "head",
        "配偶": "spouse",
        "子女": "child",
        "之子": "child",
        "之女": "child",
        "父母": "parent",
        "之父": "parent",
        "之母": "parent",
        "孙子女": "grandchild",
        "之孙子": "grandchild",
        "之孙女": "grandchild",
        "兄弟姐妹": "sibling",
        "其他": "other",
    },
}


# value -> its first label, per vocabulary (exports look one up for every cell)
FIRST_LABELS: dict[str, dict[str, str]] = {
    vocabulary: {value: label for label, value in reversed(labels.items())}
    for vocabulary, labels in LABELS.items()
}


def from_label(vocabulary: str, value: str) -> str:
    """The platform's value for a Chinese label; anything else is returned as given, to be
    checked against the vocabulary by the caller."""
    return LABELS[vocabulary].get(value, value)


def label_of(vocabulary: str, value: str) -> str:
    """The first Chinese label of a value (what exports and templates show)."""
    return FIRST_LABELS[vocabulary].get(value, value)


def column_positions(kind: TemplateKind, header: list[str]) -> dict[str, int]:
    """Where each column is in the file's header row (by Chinese header or key, any order);
    a missing required column refuses the whole file before any row is read."""
    names = [cell.strip() for cell in header]
    positions: dict[str, int] = {}
    for column in COLUMNS[kind]:
        for name in (column.header, column.key):
            if name in names:
                positions[column.key] = names.index(name)
                break
    missing = [c.header for c in COLUMNS[kind] if c.required and c.key not in positions]
    if missing:
        raise InvalidArgument(
            f"the header row lacks the template's columns: {', '.join(missing)}",
            reason="TEMPLATE_MISMATCH",
            violations=[FieldViolation(name, "required column") for name in missing],
        )
    return positions


def template_rows(kind: TemplateKind) -> list[list[str]]:
    """The template as published: its header row (required columns first within each part)."""
    return [[c.header for c in COLUMNS[kind]]]
