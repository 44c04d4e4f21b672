"""The handbook on SQLite and PostgreSQL: one plan per household and year however many ask at
once, and a measure's progress moves its status on under a lock, in order."""

from __future__ import annotations

import asyncio

import pytest

from kit.errors import AlreadyExists, FailedPrecondition
from services.assistance.handbook_service import HandbookService, NewMeasure, NewProgress
from services.assistance.models import Plan
from tests.integration.assistance.conftest import COUNTY_ADMIN, HELPER, Assistance


async def test_two_plans_of_one_year_asked_at_once_make_one(service: Assistance) -> None:
    handbook = HandbookService(service.components, service.registry)  # type: ignore[arg-type]
    answers = await asyncio.gather(
        handbook.create_plan(HELPER, "hh-1", 2026, "稳定增收"),
        handbook.create_plan(COUNTY_ADMIN, "hh-1", 2026, "大病有保障"),
        return_exceptions=True,
    )
    made = [a for a in answers if not isinstance(a, BaseException)]
    refused = [a for a in answers if isinstance(a, AlreadyExists)]
    assert (len(made), len(refused)) == (1, 1), answers
    async with service.components.db.read_only() as session:
        stored = await session.get(Plan, made[0].plan.id)
    assert stored is not None and stored.year == 2026


async def test_progress_moves_a_measure_on_and_a_done_one_takes_no_more(
    service: Assistance,
) -> None:
    handbook = HandbookService(service.components, service.registry)  # type: ignore[arg-type]
    plan = await handbook.create_plan(HELPER, "hh-1", 2026, "技能提升")
    new = NewMeasure(plan.plan.id, "skills_training", "", "2026-03-01", "县人社局")
    measure = (await handbook.add_measure(HELPER, new)).measure
    started = await handbook.record_progress(
        HELPER, NewProgress(measure.id, "2026-04-01", "报名培训", None, "in_progress")
    )
    done = await handbook.record_progress(
        COUNTY_ADMIN, NewProgress(measure.id, "2026-05-01", "取得证书", 50000, "done")
    )
    assert started.measure.status == "in_progress"
    assert [(p.status, p.amount_fen) for p in done.progress] == [
        ("in_progress", None),
        ("done", 50000),
    ]
    with pytest.raises(FailedPrecondition):
        await handbook.record_progress(
            HELPER, NewProgress(measure.id, "2026-05-02", "再次培训", None, "")
        )
    shown = await handbook.get_plan(COUNTY_ADMIN, "hh-1", 2026)
    assert [m.measure.status for m in shown.measures] == ["done"]
