"""Projects' vocabularies and pure checks: the types of project, the sources of its budget,
the ways it benefits a poor household (带贫益贫机制), and what a proposal must hold."""

from __future__ import annotations

from enum import StrEnum

from kit.errors import FieldViolation, InvalidArgument

MAX_BUDGET_FEN = 10**14  # 1 万亿 yuan: far above any county's project
MAX_BENEFICIARIES = 5000
EARLIEST_YEAR = 2014  # 精准扶贫 began
LATEST_YEAR = 2100


class ProjectType(StrEnum):
    INDUSTRY = "industry"  # 产业发展
    INFRASTRUCTURE = "infrastructure"  # 基础设施
    EMPLOYMENT = "employment"  # 就业扶贫
    EDUCATION = "education"  # 教育扶贫
    HEALTH = "health"  # 健康扶贫
    HOUSING = "housing"  # 危房改造
    RELOCATION = "relocation"  # 易地搬迁
    OTHER = "other"


class FundSource(StrEnum):
    CENTRAL = "central"  # 中央
    PROVINCIAL = "provincial"  # 省级
    CITY = "city"  # 市级
    COUNTY = "county"  # 县级
    INTEGRATED = "integrated"  # 统筹整合资金
    OTHER = "other"


class Mechanism(StrEnum):
    """How a project benefits a poor household (带贫益贫机制)."""

    DIVIDEND = "dividend"  # 资产收益分红
    JOB = "job"  # 务工就业
    LAND_RENT = "land_rent"  # 土地流转租金
    OTHER = "other"


def invalid(field: str, message: str, reason: str) -> InvalidArgument:
    return InvalidArgument(message, reason=reason, violations=[FieldViolation(field, message)])


def check_year(year: int) -> int:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise invalid("year", f"year must be between {EARLIEST_YEAR} and {LATEST_YEAR}", "BAD_YEAR")
    return year


def check_budgets(budgets: dict[str, int]) -> dict[str, int]:
    """Each source once, each amount a positive number of fen; at least one source."""
    if not budgets:
        raise invalid("budgets", "a project has a budget from at least one source", "NO_BUDGET")
    for source, amount in budgets.items():
        if not 0 < amount <= MAX_BUDGET_FEN:
            raise invalid(
                "budgets", f"the amount of {source} must be positive fen", "BAD_BUDGET_AMOUNT"
            )
    return budgets
