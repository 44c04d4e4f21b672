"""The handbook's rules: the menu matched to a household's causes, a measure's status moves,
the ledger's sources, and the registry's figures (yuan) from the ledger's totals (fen)."""

from __future__ import annotations

import pytest

from kit.errors import FailedPrecondition, InvalidArgument
from services.assistance import handbook_rules
from services.assistance.handbook_rules import (
    check_source,
    load_duties,
    load_menu,
    next_status,
    registry_incomes,
)
from services.registry import net_income
from services.registry.vocabulary import PovertyCause


def test_every_cause_of_the_menu_is_a_registry_cause_and_each_cause_has_a_measure() -> None:
    menu = load_menu()
    named = {cause for item in menu.items for cause in item.causes}
    assert named == {cause.value for cause in PovertyCause}


def test_the_menu_lists_the_measures_of_the_main_cause_first_then_the_secondary_ones() -> None:
    items = load_menu().for_causes(["lack_of_funds", "illness"])
    matched = [i.kind for i in items if i.matched]
    assert matched[:2] == ["microcredit", "industry_support"]
    assert "medical_assistance" in matched
    assert matched == [i.kind for i in items[: len(matched)]]  # the others come after
    assert load_menu().label_of("skills_training") == "技能培训"
    with pytest.raises(InvalidArgument):
        load_menu().label_of("lottery")


def test_a_measure_moves_forward_only_and_a_finished_one_takes_no_more_progress() -> None:
    assert next_status("planned", "") == "planned"
    assert next_status("planned", "in_progress") == "in_progress"
    assert next_status("planned", "dropped") == "dropped"
    assert next_status("in_progress", "done") == "done"
    with pytest.raises(InvalidArgument):
        next_status("planned", "done")
    with pytest.raises(FailedPrecondition):
        next_status("done", "")


def test_ledger_sources_and_the_registry_figures_in_yuan_rounded_half_up() -> None:
    check_source("income", "transfer_pension")
    check_source("spending", "living")
    for kind, source in (("spending", "wage"), ("income", "transfer"), ("gift", "wage")):
        with pytest.raises(InvalidArgument):
            check_source(kind, source)
    totals = {"wage": 2000050, "production_expense": 149, "living": 99900}
    assert registry_incomes(totals) == {"wage": 20001, "production_expense": 1}
    assert load_duties()[1]


def test_the_ledger_sources_are_the_registry_sources_with_transfer_by_its_items() -> None:
    mine = {*handbook_rules.INCOME_SOURCES, handbook_rules.EXPENSE, "transfer"}
    assert mine == set(net_income.INCOME_SOURCES)
