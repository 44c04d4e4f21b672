"""Net income (纯收入) as the national standard derives it: 工资性 + 生产经营性 + 财产性 + 转移性
收入 − 生产经营性支出; 转移性收入 is the sum of its items when they are given. Per person it is
the household's net income divided (down) by its members, at least one.

`net_income` computes it from one year's figures; `per_capita_below` is the same rule in SQL,
on the household's latest year of incomes (the filter `income_below`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, or_
from sqlmodel import col, select

from services.registry.models import Household, Income, Member

GROSS_SOURCES = ("wage", "production", "property", "transfer")  # 工资性, 生产经营性, 财产性, 转移性
EXPENSE = "production_expense"  # 生产经营性支出
# 转移性收入's items: 低保金, 特困供养金, 养老金, 生态补偿金, 其他
TRANSFER_ITEMS = (
    "transfer_subsistence",
    "transfer_destitute",
    "transfer_pension",
    "transfer_ecological",
    "transfer_other",
)
INCOME_SOURCES = (*GROSS_SOURCES, EXPENSE, *TRANSFER_ITEMS)


def net_income(by_source: dict[str, int]) -> int:
    """纯收入 of one year's figures (yuan; negative when the expenses exceed the income)."""
    return sum(by_source.get(s, 0) for s in GROSS_SOURCES) - by_source.get(EXPENSE, 0)


def per_capita_below(line: int) -> Any:
    """SQL condition on `households`: the net income per person of the household's latest
    year of incomes is below `line` (yuan). A household without incomes does not match.
    `net // people < line` is `net < line * people` for whole numbers: no division."""
    mine = col(Income.household_id) == col(Household.id)
    latest = select(func.max(Income.year)).where(mine).correlate(Household).scalar_subquery()
    amount = col(Income.amount)
    signed = case(
        (or_(*(col(Income.source) == source for source in GROSS_SOURCES)), amount),
        (col(Income.source) == EXPENSE, -amount),
        else_=0,
    )
    net = (
        select(func.sum(signed))
        .where(mine, col(Income.year) == latest)
        .correlate(Household)
        .scalar_subquery()
    )
    members = (
        select(func.count())
        .select_from(Member)
        .where(col(Member.household_id) == col(Household.id))
        .correlate(Household)
        .scalar_subquery()
    )
    people = case((members > 0, members), else_=1)
    return net < line * people
