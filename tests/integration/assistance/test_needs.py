"""Needs on SQLite and PostgreSQL: filed by a paired helper, owned by the village first,
escalated level by level with a reason (each new owner texted), escalated by the scheduler at
the deadline exactly once however many replicas look, and the ledger and menu of a region."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from kit.clock import aware
from kit.errors import Aborted, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.assistance import repository as repo
from tests.integration.assistance.conftest import (
    COUNTY_ADMIN,
    HELPER,
    OTHER_HELPER,
    OTHER_TOWN_ADMIN,
    START,
    TOWN_ADMIN,
    VILLAGE,
    VILLAGE_TEAM,
    Assistance,
)


async def test_a_paired_helper_files_a_need_that_the_village_owns_first(
    service: Assistance,
) -> None:
    view = await service.needs.file(HELPER, "hh-1", "medical", "住院费用无力承担", urgent=False)
    need = view.need
    assert (need.status, need.owner_region, need.owner_level) == ("open", VILLAGE, "village")
    assert [(s.action, s.to_region, s.actor_id) for s in view.steps] == [
        ("filed", VILLAGE, HELPER.subject)
    ]
    stored = (await service.needs.get(VILLAGE_TEAM, need.id)).need
    assert aware(stored.due_at) == START + timedelta(hours=72)  # the village's default


async def test_only_a_paired_helper_files_and_bad_input_changes_nothing(
    service: Assistance,
) -> None:
    with pytest.raises(NotFound):  # not paired with them: as if it did not exist
        await service.needs.file(OTHER_HELPER, "hh-1", "medical", "看病难", urgent=False)
    with pytest.raises(NotFound):
        await service.needs.file(HELPER, "hh-2", "medical", "看病难", urgent=False)
    with pytest.raises(InvalidArgument):
        await service.needs.file(HELPER, "hh-1", "lottery", "看病难", urgent=False)
    with pytest.raises(InvalidArgument):
        await service.needs.file(HELPER, "hh-1", "medical", "   ", urgent=False)
    ledger = await service.needs.ledger(
        COUNTY_ADMIN, repo.NeedFilter(region_code=""), after_id=None, limit=50
    )
    assert ledger == []


async def test_each_level_escalates_with_a_reason_and_the_new_owner_is_texted(
    service: Assistance,
) -> None:
    need = (await service.needs.file(HELPER, "hh-1", "housing", "危房改造", urgent=True)).need
    with pytest.raises(InvalidArgument):
        await service.needs.act(VILLAGE_TEAM, need.id, "escalate", " ", 0)
    up = await service.needs.act(VILLAGE_TEAM, need.id, "escalate", "村里无资金", need.version)
    assert (up.need.owner_region, up.need.owner_level) == ("370102001000", "town")
    with pytest.raises(PermissionDenied):  # the village no longer owns it
        await service.needs.act(VILLAGE_TEAM, need.id, "resolve", "已解决", 0)
    with pytest.raises(Aborted):  # a stale version
        await service.needs.act(TOWN_ADMIN, need.id, "resolve", "已解决", need.version)
    county = await service.needs.act(TOWN_ADMIN, need.id, "escalate", "需县级统筹", 0)
    done = await service.needs.act(COUNTY_ADMIN, need.id, "resolve", "纳入危房改造计划", 0)
    assert done.need.status == "resolved" and county.need.owner_level == "county"
    assert [(s.action, s.from_region, s.to_region, s.reason) for s in done.steps] == [
        ("filed", "", VILLAGE, ""),
        ("escalated", VILLAGE, "370102001000", "村里无资金"),
        ("escalated", "370102001000", "370102000000", "需县级统筹"),
        ("resolved", "370102000000", "370102000000", "纳入危房改造计划"),
    ]
    with pytest.raises(FailedPrecondition):
        await service.needs.act(COUNTY_ADMIN, need.id, "answer", "再答复", 0)
    texts = await service.texts_requested()
    assert [(t.template, t.audience.role, t.audience.region_code, t.urgent) for t in texts] == [
        ("need_escalated", "admin", "370102001000", True),
        ("need_escalated", "admin", "370102000000", True),
    ]
    assert texts[0].variables["need"].startswith("住房")


async def test_an_overdue_need_escalates_exactly_once_with_several_replicas(
    service: Assistance,
) -> None:
    need = (await service.needs.file(HELPER, "hh-1", "funds", "产业启动资金", urgent=False)).need
    assert await service.scheduler().escalate_overdue() == 0  # not yet due
    service.clock.advance(hours=72, seconds=1)
    counts = await asyncio.gather(*(service.scheduler().escalate_overdue() for _ in range(4)))
    assert sum(counts) == 1
    view = await service.needs.get(COUNTY_ADMIN, need.id)
    assert [(s.action, s.actor_id, s.to_region) for s in view.steps[1:]] == [
        ("auto_escalated", "scheduler", "370102001000")
    ]
    assert aware(view.need.due_at) > service.clock.now  # the town's own deadline
    texts = await service.texts_requested()
    assert [t.audience.region_code for t in texts] == ["370102001000"]
    assert await service.scheduler().escalate_overdue() == 0


async def test_the_ledger_and_menu_cover_exactly_the_callers_subtree(
    service: Assistance,
) -> None:
    first = (await service.needs.file(HELPER, "hh-1", "medical", "慢病用药", urgent=False)).need
    await service.needs.file(HELPER, "hh-1", "schooling", "学费", urgent=False)
    await service.needs.act(VILLAGE_TEAM, first.id, "escalate", "需乡镇协调", 0)
    with pytest.raises(NotFound):
        await service.needs.get(OTHER_TOWN_ADMIN, first.id)
    with pytest.raises(NotFound):
        await service.needs.ledger(
            TOWN_ADMIN, repo.NeedFilter(region_code="370102000000"), after_id=None, limit=50
        )
    ledger = await service.needs.ledger(
        COUNTY_ADMIN, repo.NeedFilter(region_code="370102001000"), after_id=None, limit=50
    )
    assert sorted((v.need.category, len(v.steps)) for v in ledger) == [
        ("medical", 2),
        ("schooling", 1),
    ]
    menu = await service.needs.menu(TOWN_ADMIN, "")
    assert (menu.total, menu.open, menu.overdue) == (2, 2, 0)
    assert menu.cells == [("medical", "town", "open", 1), ("schooling", "village", "open", 1)]
    assert (await service.needs.menu(OTHER_TOWN_ADMIN, "")).total == 0
