"""Use-cases of a poor village's exit (贫困村出列): the check that explains each of the
province's criteria against the village's figures, and the county's decision, recorded with
the check as its evidence and reversible only by a recorded revocation."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from kit import audit
from kit.clock import utcnow
from kit.errors import FailedPrecondition, FieldViolation, InvalidArgument, PermissionDenied
from kit.principal import Principal
from kit.territory import Level, level_of
from services.registry import village_repository as repo
from services.registry.components import Components
from services.registry.events import SERVICE
from services.registry.models import Village
from services.registry.village_exit import (
    Criterion,
    CriterionResult,
    Figure,
    criteria_for,
    evaluate,
    incidence,
)
from services.registry.villages_service import (
    VillagesService,
    VillageView,
    checked_year,
    views_of,
)


@dataclass(frozen=True)
class ExitCheck:
    code: str
    criteria_version: str
    profile_year: int | None
    passed: bool
    criteria: list[CriterionResult]


def figures_of(view: VillageView) -> dict[str, Figure]:
    """The figures the criteria read: incidence from the registered households over the latest
    profile's population, and that profile's income and facilities."""
    if not view.profiles:
        return {}
    latest = view.profiles[0]
    return {
        "poverty_incidence": incidence(view.poor_people, latest.population),
        "collective_income": float(latest.collective_income),
        "roads_hardened": latest.roads_hardened,
        "drinking_water": latest.drinking_water,
        "broadband": latest.broadband,
        "clinic": latest.clinic,
        "school": latest.school,
    }


class VillageExitsService:
    def __init__(
        self,
        components: Components,
        villages: VillagesService,
        criteria: list[tuple[str, str, Criterion]],
    ) -> None:
        self.c = components
        self.villages = villages
        self.criteria = criteria

    def evaluate(self, view: VillageView) -> ExitCheck:
        chosen = criteria_for(self.criteria, view.code)
        results = evaluate(chosen, figures_of(view))
        return ExitCheck(
            code=view.code,
            criteria_version=chosen.version,
            profile_year=view.profiles[0].year if view.profiles else None,
            passed=all(r.passed for r in results),
            criteria=results,
        )

    async def check(self, caller: Principal, code: str) -> ExitCheck:
        return self.evaluate(await self.villages.get(caller, code))

    async def decide(
        self, caller: Principal, code: str, action: str, year: int | None, reason: str
    ) -> VillageView:
        """`exit` a poor village that meets every criterion, or `revoke` a recorded exit."""
        if action not in ("exit", "revoke"):
            raise InvalidArgument("action is exit or revoke", reason="INVALID_ACTION")
        now = utcnow()
        async with self.c.db.unit_of_work() as session:
            village = await self.villages.visible(session, caller, code, for_update=True)
            if level_of(caller.region_code) is not Level.COUNTY:
                raise PermissionDenied(
                    "a village's exit is decided by its county", reason="EXIT_BY_COUNTY"
                )
            view = (await views_of(session, [village]))[0]
            if action == "exit":
                evidence = self._exit(village, view, checked_year(year or now.year, "year", now))
                kind, after = "exited", {"exit_year": village.exit_year, **evidence}
            else:
                before_year = self._revoke(village, reason)
                kind, after = "exit_revoked", {"exit_year": before_year}
            village.version += 1
            village.updated_at = now
            session.add(village)
            repo.record(
                session,
                village_code=code,
                at=now,
                actor_id=caller.actor_id,
                kind=kind,
                after=after,
                reason=reason.strip(),
            )
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action=f"village.{kind}",
                target_id=code,
                region_code=code,
                detail={"exit_year": after["exit_year"], "reason": reason.strip()},
            )
            await session.flush()
            return (await views_of(session, [village]))[0]

    def _exit(self, village: Village, view: VillageView, year: int | None) -> dict[str, object]:
        if not village.is_poor:
            raise FailedPrecondition("the village is not a poor village", reason="NOT_POOR_VILLAGE")
        if village.has_exited:
            raise FailedPrecondition("the village has exited already", reason="ALREADY_EXITED")
        if year is not None and village.poor_since is not None and year < village.poor_since:
            raise InvalidArgument(
                "a village exits after it became a poor village",
                reason="INVALID_YEAR",
                violations=[FieldViolation("year", f"from {village.poor_since}")],
            )
        check = self.evaluate(view)
        if not check.passed:
            failed = ", ".join(r.name for r in check.criteria if not r.passed)
            raise FailedPrecondition(
                f"the village does not meet the exit criteria: {failed}",
                reason="EXIT_CRITERIA_NOT_MET",
            )
        village.has_exited, village.exit_year = True, year
        return {
            "criteria_version": check.criteria_version,
            "profile_year": check.profile_year,
            "criteria": [asdict(r) for r in check.criteria],
        }

    def _revoke(self, village: Village, reason: str) -> int | None:
        if not village.has_exited:
            raise FailedPrecondition("the village has not exited", reason="NOT_EXITED")
        if not reason.strip():
            raise InvalidArgument(
                "a revocation gives its reason",
                reason="REASON_REQUIRED",
                violations=[FieldViolation("reason", "required")],
            )
        year = village.exit_year
        village.has_exited, village.exit_year = False, None
        return year
