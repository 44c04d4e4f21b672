"""Who is texted at each step of a project: the reviewers of the level whose turn it becomes,
or the officer who proposed it when it is decided (an integrator, who has no phone, is not)."""

from __future__ import annotations

from datetime import UTC, datetime

from services.projects.events import text_for
from services.projects.models import Project

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def project(created_by: str = "user-1") -> Project:
    return Project(
        id="p1",
        region_code="370102001001",
        region_name="东村",
        proposer_level="village",
        name="村集体光伏电站",
        type="industry",
        year=2027,
        status="proposed",
        created_by=created_by,
        created_at=NOW,
        updated_at=NOW,
    )


def test_the_level_whose_turn_it_becomes_is_texted() -> None:
    proposed = text_for(project(), "proposed", "user-1", "admin")
    ended = text_for(project(), "notice_ended", "scheduler", "admin")
    assert proposed is not None and ended is not None
    assert (proposed.audience.role, proposed.audience.region_code) == ("admin", "370102001000")
    assert ended.audience.region_code == "370102000000"
    assert proposed.variables["project"] == "村集体光伏电站" and proposed.template == "project_step"


def test_a_decision_is_texted_to_who_proposed_it() -> None:
    returned = text_for(project(), "returned", "town-1", "admin")
    assert returned is not None and list(returned.user_ids) == ["user-1"]
    assert "退回" in returned.variables["stage"]
    assert text_for(project("client:integrator-1"), "approved", "county-1", "admin") is None
    assert text_for(project(), "forwarded", "town-1", "admin") is None
