"""Leader cultivation on SQLite and PostgreSQL: a candidate registers (or is nominated), the
village recommends, the town publishes the public notice, objections are lodged during it and
resolved by the town, the scheduler closes it exactly once at its end, and the county decides;
approved leaders' files and the villages still without a leader."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from kit.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.training import repository as repo
from services.training.models import LeaderPolicy
from tests.integration.training.conftest import (
    CANDIDATE,
    COUNTY,
    COUNTY_ADMIN,
    OTHER_TOWN_ADMIN,
    SECOND_VILLAGE,
    START,
    TOWN,
    TOWN_ADMIN,
    VILLAGE,
    VILLAGE_TEAM,
    Training,
    application,
)


async def in_notice(service: Training, serial: int = 1) -> str:
    """A candidate registered by themselves, recommended and now in public notice."""
    candidate = (await service.candidates.register(CANDIDATE, application(serial))).candidate
    await service.candidates.act(VILLAGE_TEAM, candidate.id, "recommend", "实地考察属实", 0)
    await service.candidates.act(TOWN_ADMIN, candidate.id, "publish_notice", "审核通过", 0)
    return candidate.id


async def test_a_candidate_registers_with_personal_data_protected_and_the_village_is_texted(
    service: Training,
) -> None:
    view = await service.candidates.register(CANDIDATE, application())
    candidate = view.candidate
    assert (candidate.status, candidate.village_code, candidate.user_id) == (
        "registered",
        VILLAGE,
        CANDIDATE.subject,
    )
    assert candidate.id_number_masked == "370102********" + application().id_number[-4:]
    assert candidate.phone_masked == "139****5678"
    assert application().id_number.encode() not in candidate.id_number_cipher
    assert [s.action for s in view.steps] == ["registered"]
    (text,) = await service.texts_requested()
    assert (text.template, text.audience.region_code) == ("leader_candidate_step", VILLAGE)
    with pytest.raises(AlreadyExists):  # one person, one candidacy
        await service.candidates.register(VILLAGE_TEAM, application(village=VILLAGE))


async def test_bad_applications_change_nothing(service: Training) -> None:
    for bad in (
        application(id_number="370102198001011234"),
        application(leader_type="lottery"),
        application(project="  "),
        application(phone="12345"),
        application(years_in_business=-1),
    ):
        with pytest.raises(InvalidArgument):
            await service.candidates.register(CANDIDATE, bad)
    with pytest.raises(InvalidArgument):  # an officer nominates for a village, not a town
        await service.candidates.register(TOWN_ADMIN, application(village=TOWN))
    with pytest.raises(NotFound):  # nor outside their territory
        await service.candidates.register(OTHER_TOWN_ADMIN, application(village=VILLAGE))
    found = await service.candidates.list_candidates(
        COUNTY_ADMIN, repo.CandidateFilter(region_code=""), after_id=None, limit=50
    )
    assert found == []


async def test_each_level_acts_only_at_its_stage_and_in_its_territory(service: Training) -> None:
    nominated = await service.candidates.register(VILLAGE_TEAM, application(village=VILLAGE))
    candidate_id = nominated.candidate.id
    assert nominated.candidate.nominated_by == VILLAGE_TEAM.subject
    with pytest.raises(NotFound):  # another town's officer: as if it did not exist
        await service.candidates.act(OTHER_TOWN_ADMIN, candidate_id, "recommend", "好", 0)
    with pytest.raises(NotFound):
        await service.candidates.get(OTHER_TOWN_ADMIN, candidate_id)
    with pytest.raises(NotFound):  # a candidate sees only their own
        await service.candidates.get(CANDIDATE, candidate_id)
    with pytest.raises(FailedPrecondition):  # no notice before the village recommends
        await service.candidates.act(TOWN_ADMIN, candidate_id, "publish_notice", "好", 0)
    with pytest.raises(InvalidArgument):
        await service.candidates.act(VILLAGE_TEAM, candidate_id, "recommend", " ", 0)
    await service.candidates.act(VILLAGE_TEAM, candidate_id, "recommend", "群众认可", 0)
    with pytest.raises(PermissionDenied):  # the village cannot publish the town's notice
        await service.candidates.act(VILLAGE_TEAM, candidate_id, "publish_notice", "好", 0)
    view = await service.candidates.act(TOWN_ADMIN, candidate_id, "publish_notice", "同意", 0)
    assert view.candidate.status == "in_notice"
    assert view.notice is not None and view.notice.ends_at is not None
    texts = [t.audience.region_code for t in await service.texts_requested()]
    assert texts == [VILLAGE, TOWN]  # nominated: the village; recommended: the town


async def test_the_county_cannot_decide_before_the_notice_ends_or_with_an_objection_open(
    service: Training,
) -> None:
    candidate_id = await in_notice(service)
    with pytest.raises(FailedPrecondition, match="not ended"):
        await service.candidates.act(COUNTY_ADMIN, candidate_id, "approve", "同意", 0)
    objection = await service.notices.lodge(candidate_id, "他的合作社拖欠工资", "13700001111")
    service.clock.advance(days=5)
    with pytest.raises(FailedPrecondition):  # the notice has ended: no more objections
        await service.notices.lodge(candidate_id, "迟到的异议", "")
    with pytest.raises(FailedPrecondition, match="objection"):
        await service.candidates.act(COUNTY_ADMIN, candidate_id, "approve", "同意", 0)
    with pytest.raises(PermissionDenied):  # the town decides what became of an objection
        await service.notices.resolve(VILLAGE_TEAM, candidate_id, objection.id, False, "查无实据")
    resolved = await service.notices.resolve(
        TOWN_ADMIN, candidate_id, objection.id, False, "已核实，工资已结清"
    )
    (found,) = resolved.objections
    assert (
        found.status,
        found.contact_masked,
        resolved.notice and resolved.notice.open_objections,
    ) == (
        "resolved",
        "137****1111",
        0,
    )
    with pytest.raises(PermissionDenied):  # the town does not approve
        await service.candidates.act(TOWN_ADMIN, candidate_id, "approve", "同意", 0)
    with pytest.raises(InvalidArgument):  # nor does the county without a reason
        await service.candidates.act(COUNTY_ADMIN, candidate_id, "approve", "", 0)
    done = await service.candidates.act(COUNTY_ADMIN, candidate_id, "approve", "同意纳入", 0)
    assert done.candidate.status == "approved"
    assert [s.action for s in done.steps] == [
        "registered",
        "recommended",
        "notice_published",
        "objection_lodged",
        "notice_closed",
        "objection_resolved",
        "approved",
    ]
    decided = (await service.texts_requested())[-1]
    assert (decided.template, list(decided.user_ids)) == (
        "leader_candidate_decided",
        [CANDIDATE.subject],
    )


async def test_the_notice_closes_exactly_once_however_many_replicas_look(
    service: Training,
) -> None:
    candidate_id = await in_notice(service)
    assert await service.notices.close_ended(10) == 0  # still running
    service.clock.advance(days=5)
    replicas = [service.notices, service.replica(), service.replica()]
    closed = await asyncio.gather(*(r.close_ended(10) for r in replicas))
    assert sum(closed) == 1
    view = await service.candidates.get(COUNTY_ADMIN, candidate_id)
    assert view.candidate.status == "notice_closed"
    assert [s.actor_id for s in view.steps if s.action == "notice_closed"] == ["scheduler"]
    county_texts = [t for t in await service.texts_requested() if t.audience.region_code == COUNTY]
    assert len(county_texts) == 1


async def test_the_public_notice_shows_no_personal_data_and_only_while_it_runs(
    service: Training,
) -> None:
    candidate_id = await in_notice(service)
    (notice,) = await service.notices.running("", after_id=None, limit=50)
    shown = " ".join(str(value) for value in vars(notice).values())
    assert notice.candidate_id == candidate_id and notice.ends_at == START + timedelta(days=5)
    assert set(vars(notice)) == {
        "notice_id",
        "candidate_id",
        "name",
        "village_code",
        "village_name",
        "leader_type",
        "project",
        "scale",
        "years_in_business",
        "starts_at",
        "ends_at",
    }
    assert application().id_number[6:14] not in shown and "139" not in shown
    assert await service.notices.running(TOWN, after_id=None, limit=50) == [notice]
    assert await service.notices.running("370103000000", after_id=None, limit=50) == []
    service.clock.advance(days=5, seconds=1)
    assert await service.notices.running("", after_id=None, limit=50) == []


async def test_an_approved_leader_has_a_file_and_the_county_sees_villages_without_one(
    service: Training,
) -> None:
    candidate_id = await in_notice(service)
    with pytest.raises(FailedPrecondition):  # not a leader yet
        await service.files.add_household(COUNTY_ADMIN, candidate_id, "hh-1", "employment", "")
    service.clock.advance(days=6)
    before = await service.files.villages_without_leader(COUNTY_ADMIN, "")
    await service.candidates.act(COUNTY_ADMIN, candidate_id, "approve", "同意", 0)
    view = await service.files.add_household(
        TOWN_ADMIN, candidate_id, "hh-1", "employment", "吸纳务工"
    )
    with pytest.raises(NotFound):  # a household outside the caller's territory
        await service.files.add_household(TOWN_ADMIN, candidate_id, "hh-2", "employment", "")
    with pytest.raises(InvalidArgument):
        await service.files.add_household(TOWN_ADMIN, candidate_id, "hh-1", "magic", "")
    policy = LeaderPolicy(candidate_id="", name="创业担保贷款贴息", year=2026, amount_yuan=30000)
    view = await service.files.record_policy(COUNTY_ADMIN, candidate_id, policy)
    assert [(h.household_id, h.how) for h in view.households] == [("hh-1", "employment")]
    assert [(p.name, p.amount_yuan) for p in view.policies] == [("创业担保贷款贴息", 30000)]
    after = await service.files.villages_without_leader(COUNTY_ADMIN, "")
    assert VILLAGE in [v.code for v in before.without_leader]
    assert [v.code for v in after.without_leader] == [SECOND_VILLAGE, "370102002001"]
    assert (after.villages, after.with_leader) == (3, 1)
    leaders = await service.candidates.list_candidates(
        COUNTY_ADMIN,
        repo.CandidateFilter(region_code=COUNTY, status="approved"),
        after_id=None,
        limit=50,
    )
    assert [v.candidate.id for v in leaders] == [candidate_id]
