"""The Laiwu merge (2019: city 3712 became two districts of Jinan) replayed on a 17-city
snapshot of Shandong gives exactly today's codes, and people and history follow."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kit.errors import FailedPrecondition, NotFound
from kit.principal import Principal
from services.identity.app import Identity
from services.identity.domain import AuditFilters
from services.identity.region_service import DivisionRequest, read_regions_file
from services.identity.settings import DATA_DIR
from tests.integration.identity.conftest import append_audited_acts

CURRENT = DATA_DIR / "regions-37.tsv.gz"
# Today's district -> its pre-2019 county of Laiwu city, with the name it had then.
LAIWU = {"370116": ("371202", "莱城区"), "370117": ("371203", "钢城区")}
MERGE = DivisionRequest(
    kind="merge",
    reason="国函〔2019〕4号：撤销莱芜市，设立济南市莱芜区、钢城区",
    steps=[("371202000000", "370116000000", "莱芜区"), ("371203000000", "370117000000", "钢城区")],
    retire_codes=["371200000000"],
    effective_date="2019-01-09",
)


def current_regions() -> list[tuple[str, str]]:
    return sorted((row["code"], row["name"]) for row in read_regions_file(CURRENT))


def write_snapshot_2018(path: Path) -> None:
    """Shandong with Laiwu city (3712) as it stood before the merge."""
    rows = [("371200000000", "莱芜市")]
    for code, name in current_regions():
        if code[:6] in LAIWU:
            old_prefix, old_name = LAIWU[code[:6]]
            rows.append((old_prefix + code[6:], old_name if code[6:] == "000000" else name))
        else:
            rows.append((code, name))
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(f"{code}\t{name}\n" for code, name in sorted(rows))


@pytest.fixture
async def shandong_2018(make_identity, sqlite_url, tmp_path: Path) -> Identity:  # type: ignore[no-untyped-def]
    snapshot = tmp_path / "regions-37-2018.tsv.gz"
    write_snapshot_2018(snapshot)
    return await make_identity(sqlite_url("laiwu"), snapshot)


def admin_of(identity: Identity, user_id: str) -> Principal:
    return Principal(subject=user_id, kind="user", region_code="370000000000", roles=("admin",))


async def test_replaying_the_laiwu_merge_gives_todays_codes(shandong_2018: Identity) -> None:
    identity = shandong_2018
    before = identity.components.regions.active_items()
    assert sum(1 for code, _ in before if code.endswith("00000000") and code[2:4] != "00") == 17
    user, _ = await identity.users.bootstrap_admin("13800000000", "省管理员", "370000000000")  # type: ignore[misc]
    province = admin_of(identity, user.id)
    village = next(code for code, _ in before if code.startswith("371202") and code[9:] != "000")
    cadre, _ = await identity.users.create(province, "13900001111", "村干部", village, ["helper"])
    client, _ = await identity.clients.create(
        province, "莱城区民政局系统", "371202000000", ["households:read"]
    )

    change = await identity.regions.apply_change(province, MERGE)

    assert identity.components.regions.active_items() == current_regions()
    assert change.regions_recoded == sum(
        1 for code, _ in before if code[:6] in ("371202", "371203")
    )
    moved = await identity.users.get(province, cadre.user.id)
    assert moved.user.region_code == "370116" + village[6:]
    (integrator,) = await identity.clients.list_clients(province, "370116000000", None, 10)
    assert (integrator.client_id, integrator.region_code) == (client.client_id, "370116000000")
    assert integrator.not_before_ms > 0  # its tokens of the old code are revoked
    old_city = identity.components.regions.get("371200000000")
    assert old_city is not None and old_city.retired and old_city.successor_code == "370100000000"
    old_village = identity.components.regions.get(village)
    assert old_village is not None and old_village.successor_code == "370116" + village[6:]
    await append_audited_acts(identity)
    history = await identity.audit.list_records(
        province,
        region_code="",
        filters=AuditFilters(action="user.region_recoded", target_id=cadre.user.id),
        before_id=None,
        limit=10,
    )
    assert len(history) == 1 and village in history[0].detail


async def test_a_region_with_children_left_behind_cannot_be_retired(
    shandong_2018: Identity,
) -> None:
    user, _ = await shandong_2018.users.bootstrap_admin("13800000000", "省管理员", "370000000000")  # type: ignore[misc]
    half = DivisionRequest(
        kind="merge",
        reason="incomplete",
        steps=MERGE.steps[:1],
        retire_codes=MERGE.retire_codes,
        effective_date="2019-01-09",
    )
    with pytest.raises(FailedPrecondition):
        await shandong_2018.regions.apply_change(admin_of(shandong_2018, user.id), half)
    assert shandong_2018.components.regions.get_active("371202000000") is not None


async def test_unknown_codes_in_a_division_change_are_not_found(shandong_2018: Identity) -> None:
    user, _ = await shandong_2018.users.bootstrap_admin("13800000000", "省管理员", "370000000000")  # type: ignore[misc]
    bogus = DivisionRequest(
        kind="recode",
        reason="typo",
        steps=[("379902000000", "370199000000", "")],
        retire_codes=[],
        effective_date="2019-01-09",
    )
    with pytest.raises(NotFound):
        await shandong_2018.regions.apply_change(admin_of(shandong_2018, user.id), bogus)
