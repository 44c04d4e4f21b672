"""The exit (出列) criteria of a poor village: the province's rows from the versioned file, and
each criterion's value, threshold, verdict and explanation."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.registry.village_exit import (
    Criterion,
    criteria_for,
    evaluate,
    incidence,
    load_criteria,
)

SHANDONG, GUANGXI = "370203001001", "450102001001"
PASSING = {
    "poverty_incidence": 0.015,
    "collective_income": 60000.0,
    "roads_hardened": True,
    "drinking_water": True,
    "broadband": True,
}


def test_an_eastern_province_exits_below_two_percent_and_a_western_one_below_three() -> None:
    rows = load_criteria()
    east = {c.name: c for c in criteria_for(rows, SHANDONG).criteria}
    west = {c.name: c for c in criteria_for(rows, GUANGXI).criteria}
    assert east["poverty_incidence"].threshold == 0.02
    assert west["poverty_incidence"].threshold == 0.03
    assert set(east) == set(west) == set(PASSING)


def test_a_village_meeting_every_criterion_passes_each_with_its_value() -> None:
    results = evaluate(criteria_for(load_criteria(), SHANDONG), PASSING)
    assert all(r.passed for r in results)
    by_name = {r.name: r for r in results}
    assert (by_name["poverty_incidence"].value, by_name["poverty_incidence"].threshold) == (
        "1.50%",
        "2.00%",
    )
    assert by_name["poverty_incidence"].explanation == "1.50% is at most 2.00%"
    assert by_name["collective_income"].explanation == "60000 is at least 50000"
    assert by_name["broadband"].value == "yes"


def test_each_failed_or_unknown_criterion_says_why() -> None:
    figures = {**PASSING, "poverty_incidence": 0.025, "broadband": False}
    del figures["collective_income"]
    results = {r.name: r for r in evaluate(criteria_for(load_criteria(), SHANDONG), figures)}
    assert results["poverty_incidence"].explanation == "2.50% is not at most 2.00%"
    assert (results["broadband"].passed, results["broadband"].explanation) == (
        False,
        "required but absent",
    )
    assert (results["collective_income"].value, results["collective_income"].passed) == (
        "",
        False,
    )
    # The same incidence passes in the west.
    west = {r.name: r for r in evaluate(criteria_for(load_criteria(), GUANGXI), figures)}
    assert west["poverty_incidence"].passed


def test_the_newest_version_of_the_criteria_applies(tmp_path: Path) -> None:
    path = tmp_path / "criteria.csv"
    path.write_text(
        "# a province tightens its income criterion in a new version\n"
        "2016,*,collective_income,at_least,50000,村集体经济收入\n"
        "2020,*,collective_income,at_least,100000,村集体经济收入\n",
        encoding="utf-8",
    )
    chosen = criteria_for(load_criteria(path), SHANDONG)
    assert chosen.version == "2020"
    assert chosen.criteria == (
        Criterion("collective_income", "at_least", 100000, "村集体经济收入"),
    )


def test_a_file_naming_an_unknown_criterion_is_refused_at_start(tmp_path: Path) -> None:
    path = tmp_path / "criteria.csv"
    path.write_text("2016,*,happiness,at_least,1,幸福\n", encoding="utf-8")
    with pytest.raises(ValueError, match="happiness"):
        load_criteria(path)


def test_incidence_is_unknown_without_a_population() -> None:
    assert incidence(3, 200) == 0.015
    assert incidence(3, None) is None and incidence(3, 0) is None
