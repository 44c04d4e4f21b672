"""The coverage report's grouped statements and the units' figures on SQLite and PostgreSQL:
helpers over and under their quota by the level their territory's code tells and the roles
recorded with them (the statement chooses each helper's row as a pairing does), households
and villages located by village, units by territory, and the towns' figures summing to the
county's when nobody is at the county's own level."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from kit.clock import utcnow
from services.registry import helping_repository as helping_repo
from services.registry.coverage_service import FIGURES, CoverageService
from services.registry.helping_units_service import HelpingUnitsService
from services.registry.households_service import HouseholdsService
from services.registry.models import Pairing
from services.registry.pairing_quotas import load_quotas, quotas_for
from tests.integration.registry.test_households import COUNTY_OFFICER, household, service

__all__ = ["service"]
TOWN_A, VILLAGE_A, VILLAGE_B = "370102001000", "370102001002", "370102002002"
QUOTAS = "2030,*,default,*,0,2\n2030,*,town,*,1,1\n2030,*,village,*,2,2\n"


async def paired_helper(
    service: HouseholdsService,
    helper_id: str,
    region_code: str,
    households: list[str],
    unit_id: str | None = None,
    roles: tuple[str, ...] = ("helper",),
) -> None:
    async with service.c.db.unit_of_work() as session:
        cadre = helping_repo.Cadre(helper_id, "干部", region_code, roles)
        helper = await helping_repo.locked_helper(session, cadre, utcnow())
        helper.unit_id = unit_id
        session.add(helper)
        for household_id in households:
            session.add(
                Pairing(
                    household_id=household_id,
                    helper_id=helper_id,
                    paired_by="u1",
                    paired_at=utcnow(),
                )
            )


async def test_coverage_counts_each_figure_where_it_belongs(
    service: HouseholdsService, tmp_path: Path
) -> None:
    (tmp_path / "quotas.csv").write_text(QUOTAS)
    quotas = load_quotas(tmp_path / "quotas.csv")
    identity: Any = None  # no helper is assigned to a unit here: identity is never asked
    units = HelpingUnitsService(service.c, identity, quotas)
    ids = [
        (await service.create(COUNTY_OFFICER, household(f"C-{n}", village, n))).household.id
        for n, village in enumerate((VILLAGE_A, VILLAGE_A, VILLAGE_A, VILLAGE_B), start=1)
    ]
    unit = await units.create(COUNTY_OFFICER, "县民政局", "department", TOWN_A)
    await paired_helper(service, "h-town", TOWN_A, ids[:2], unit.id)  # town: 1 at most
    await paired_helper(service, "h-village", VILLAGE_A, ids[2:3], unit.id)  # village: 2 at least
    await paired_helper(service, "h-idle", VILLAGE_B, [])
    assigned = await units.assign_village(COUNTY_OFFICER, unit.id, VILLAGE_A)
    await units.create(COUNTY_OFFICER, "县电力公司", "enterprise", "370102002000")

    report = await CoverageService(service.c, quotas).coverage(COUNTY_OFFICER, "")
    assert report.quota_version == "2030"
    county = report.region
    assert (county.households_needing_help, county.households_without_helper) == (4, 1)
    assert (county.helpers, county.helpers_without_households) == (3, 1)
    assert (county.helpers_over_max, county.helpers_under_min) == (1, 2)
    assert (county.villages_without_work_team, county.units, county.units_without_villages) == (
        2,
        2,
        1,
    )
    assert [c.region_code for c in report.children] == [TOWN_A, "370102002000"]
    for name in FIGURES:
        assert sum(getattr(c, name) for c in report.children) == getattr(county, name), name
    town = report.children[0]
    assert (town.helpers_over_max, town.helpers_under_min, town.households_without_helper) == (
        1,
        1,
        0,
    )
    assert assigned.village_codes == [VILLAGE_A]
    async with service.c.db.read_only() as session:
        figures = await helping_repo.unit_figures(session, [unit.id])
    assert figures == {unit.id: (2, 3)}
    helpers = await units.helpers(COUNTY_OFFICER, unit.id)
    assert [(h.helper_id, h.paired_households, h.max_households) for h in helpers] == [
        ("h-town", 2, 1),
        ("h-village", 1, 2),
    ]


ROLE_QUOTAS = """\
2030,*,default,*,0,2
2030,*,default,inspector,3,4
2030,*,town,*,1,1
2030,*,village,*,2,2
2030,*,village,secretary,1,3
2030,*,village,work_team,0,1
"""
ROLE_SETS = [(), ("secretary",), ("work_team",), ("secretary", "work_team"), ("inspector",)]


async def test_coverage_chooses_each_helpers_quota_by_their_roles_as_a_pairing_does(
    service: HouseholdsService, tmp_path: Path
) -> None:
    (tmp_path / "quotas.csv").write_text(ROLE_QUOTAS)
    quotas = load_quotas(tmp_path / "quotas.csv")
    ids = [
        (await service.create(COUNTY_OFFICER, household(f"R-{n}", VILLAGE_A, n))).household.id
        for n in range(1, 5)
    ]
    over = under = 0
    helpers = itertools.product((VILLAGE_A, TOWN_A, "370102000000"), ROLE_SETS, range(5))
    for serial, (region, roles, paired) in enumerate(helpers):
        await paired_helper(service, f"h{serial}", region, ids[:paired], roles=("helper", *roles))
        quota = quotas_for(quotas, region).of_cadre(region, ("helper", *roles))
        over += paired > quota.max_households
        under += paired < quota.min_households

    county = (await CoverageService(service.c, quotas).coverage(COUNTY_OFFICER, "")).region
    assert (county.helpers, county.helpers_over_max, county.helpers_under_min) == (75, over, under)
    assert (over, under) == (34, 13)  # the levels' rows for any role alone: (35, 15)
    unit = await HelpingUnitsService(service.c, None, quotas).create(  # type: ignore[arg-type]
        COUNTY_OFFICER, "县纪委", "department", TOWN_A
    )
    await paired_helper(service, "h-both", VILLAGE_A, ids[:2], unit.id, ("helper", "secretary"))
    listed = await HelpingUnitsService(service.c, None, quotas).helpers(  # type: ignore[arg-type]
        COUNTY_OFFICER, unit.id
    )
    assert [(h.quota_role, h.min_households, h.max_households) for h in listed] == [
        ("secretary", 1, 3)
    ]
