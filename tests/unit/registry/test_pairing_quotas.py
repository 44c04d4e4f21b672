"""Which pairing quota is a cadre's: a row for one of their roles at their level beats the
level's `*` row, the strictest of several (lowest most, then highest fewest) wins, a level
without a `*` row continues with the default rows, a province's own row replaces only the `*`
province's row of its level and role, and the newest version applies."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.registry.pairing_quotas import load_quotas, quotas_for

COUNTY, TOWN, VILLAGE = "370102000000", "370102001000", "370102001001"
GUIZHOU_COUNTY = "520102000000"
RULES = """\
2029,*,default,*,0,9
2030,*,default,*,0,6
2030,*,default,inspector,1,2
2030,*,county,*,3,5
2030,*,county,secretary,2,4
2030,*,county,work_team,1,4
2030,*,county,info_officer,0,3
2030,*,town,secretary,2,2
2030,*,village,*,5,10
2030,52,county,*,1,8
"""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "quotas.csv"
    path.write_text(RULES)
    return path


def quota_of(rules: Path, region: str, *roles: str) -> tuple[str, int, int]:
    found = quotas_for(load_quotas(rules), region).of_cadre(region, ("helper", *roles))
    return (found.role, found.min_households, found.max_households)


def test_a_row_for_one_of_the_cadres_roles_beats_the_levels_row_for_any_role(rules: Path) -> None:
    assert quota_of(rules, COUNTY) == ("*", 3, 5)
    assert quota_of(rules, COUNTY, "secretary") == ("secretary", 2, 4)
    assert quota_of(rules, COUNTY, "admin") == ("*", 3, 5)  # no row for the role
    assert quota_of(rules, VILLAGE, "secretary") == ("*", 5, 10)  # a row at another level


def test_of_several_roles_the_lowest_most_wins_then_the_highest_fewest(rules: Path) -> None:
    assert quota_of(rules, COUNTY, "secretary", "info_officer") == ("info_officer", 0, 3)
    assert quota_of(rules, COUNTY, "work_team", "secretary") == ("secretary", 2, 4)
    assert quota_of(rules, COUNTY, "secretary", "work_team") == ("secretary", 2, 4)


def test_a_level_without_a_row_for_any_role_continues_with_the_default_rows(rules: Path) -> None:
    assert quota_of(rules, TOWN) == ("*", 0, 6)
    assert quota_of(rules, TOWN, "inspector") == ("inspector", 1, 2)
    assert quota_of(rules, COUNTY, "inspector") == ("*", 3, 5)  # the county has its own row
    assert quota_of(rules, TOWN, "secretary") == ("secretary", 2, 2)
    assert quota_of(rules, TOWN, "secretary", "inspector") == ("secretary", 2, 2)  # own level's


def test_a_provinces_own_row_replaces_only_the_row_of_its_level_and_role(rules: Path) -> None:
    assert quota_of(rules, GUIZHOU_COUNTY) == ("*", 1, 8)
    assert quota_of(rules, GUIZHOU_COUNTY, "secretary") == ("secretary", 2, 4)
    listed = quotas_for(load_quotas(rules), GUIZHOU_COUNTY)
    assert listed.version == "2030"  # the newest: 2029's default is not used
    assert [(q.level, q.role) for q in listed.quotas] == [
        ("county", "*"),
        ("county", "info_officer"),
        ("county", "secretary"),
        ("county", "work_team"),
        ("town", "secretary"),
        ("village", "*"),
        ("default", "*"),
        ("default", "inspector"),
    ]


def test_the_shipped_rules_give_leaders_their_minimum_and_helpers_their_most() -> None:
    shipped = quotas_for(load_quotas(), COUNTY)
    city = "370100000000"
    city_leader = shipped.of_cadre(city, ("helper", "secretary"))
    assert (city_leader.role, city_leader.min_households) == ("secretary", 3)
    assert shipped.of_cadre(COUNTY, ("helper",)).max_households == 5
    assert shipped.of_cadre(COUNTY, ("helper", "secretary")).max_households == 4


@pytest.mark.parametrize(
    ("row", "complaint"),
    [
        ("2030,*,county,helper,1,5", "every paired cadre is a helper"),
        ("2030,*,county,Secretary,1,5", "not a role's name"),
        ("2030,*,canton,*,1,5", "unknown level"),
        ("2030,*,county,secretary,4,3", "below the fewest"),
        ("2031,*,county,*,1,5", "version 2031 needs a default row"),
    ],
)
def test_a_malformed_rule_fails_at_start_up(tmp_path: Path, row: str, complaint: str) -> None:
    path = tmp_path / "quotas.csv"
    path.write_text(RULES + row + "\n")
    with pytest.raises(ValueError, match=complaint):
        load_quotas(path)
