"""Funds' rules as a finance officer meets them: amounts are whole positive fen, funds go only
to approved projects and never past their budget, a disbursement moves requested → approved →
paid (or rejected) with a second officer deciding, and the ledger's figures add up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kit.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.projects import funds_rules as rules


@pytest.mark.parametrize("amount", [0, -1, rules.LARGEST_AMOUNT_FEN + 1])
def test_an_amount_is_a_positive_whole_number_of_fen(amount: int) -> None:
    with pytest.raises(InvalidArgument) as refused:
        rules.amount_fen(amount)
    assert refused.value.reason == "INVALID_AMOUNT"


def test_one_fen_is_an_amount() -> None:
    assert rules.amount_fen(1) == 1


def test_sources_are_the_documents_sources() -> None:
    assert set(rules.SOURCES) == {"central", "provincial", "city", "county", "integrated", "other"}
    with pytest.raises(InvalidArgument):
        rules.source("lottery")


def test_a_pool_belongs_to_a_county_and_a_projects_place_to_its_county() -> None:
    assert rules.county_code("370102000000") == "370102000000"
    for not_county in ("370100000000", "370102001000", "37010200000"):
        with pytest.raises(InvalidArgument):
            rules.county_code(not_county)
    assert rules.county_of("370102001002") == "370102000000"


@pytest.mark.parametrize("status", ["proposed", "under_review", "rejected", "completed"])
def test_only_a_project_in_the_plan_receives_funds(status: str) -> None:
    with pytest.raises(FailedPrecondition):
        rules.require_fundable(status)


def test_a_planned_or_running_project_receives_funds() -> None:
    rules.require_fundable("planned")
    rules.require_fundable("in_progress")


def test_an_allocation_past_the_budget_says_how_much_still_fits() -> None:
    refused = rules.over_budget(100_00, 60_00, 40_01, "central")
    assert refused.reason == "OVER_BUDGET"
    assert refused.violations[0].description == "at most 4000"


def test_a_disbursement_is_approved_or_rejected_once_then_paid() -> None:
    assert rules.next_status(rules.REQUESTED, "approve") == rules.APPROVED
    assert rules.next_status(rules.REQUESTED, "reject") == rules.REJECTED
    assert rules.next_status(rules.APPROVED, "pay") == rules.PAID
    for current, act in [("requested", "pay"), ("approved", "approve"), ("paid", "reject")]:
        with pytest.raises(FailedPrecondition):
            rules.next_status(current, act)


def test_who_requested_a_disbursement_does_not_decide_it() -> None:
    rules.require_second_officer("officer-a", "officer-b")
    with pytest.raises(PermissionDenied):
        rules.require_second_officer("officer-a", "officer-a")


def test_the_ledger_adds_up() -> None:
    balance = rules.Balance(allocated_fen=1000, pending_fen=300, disbursed_fen=500)
    assert balance.allocated_fen == balance.disbursed_fen + balance.remaining_fen
    assert balance.remaining_fen == 500 and balance.available_fen == 200


def test_funds_not_moved_past_the_limit_are_idle() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    open_ = rules.Balance(1000, 0, 400)
    spent = rules.Balance(1000, 0, 1000)
    assert rules.is_idle(open_, now - timedelta(days=91), now, 90)
    assert not rules.is_idle(open_, now - timedelta(days=89), now, 90)
    assert not rules.is_idle(spent, now - timedelta(days=200), now, 90)


def test_texts_are_trimmed_and_bounded() -> None:
    assert rules.text("  财农〔2026〕12号 ", "document_number", required=True) == "财农〔2026〕12号"
    with pytest.raises(InvalidArgument):
        rules.text("   ", "document_number", required=True)
    assert rules.text("", "reason", required=False) == ""
    with pytest.raises(InvalidArgument):
        rules.progress_percent(101)
