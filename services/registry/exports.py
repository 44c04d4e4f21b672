"""Files the registry hands out: the import templates, and a subtree's households in the
template's layout (Chinese labels, identity numbers masked) — page by page, never whole."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from kit import audit
from kit.principal import Principal
from services.registry import bulk_repository as bulk
from services.registry import repository as repo
from services.registry.components import Components
from services.registry.events import SERVICE
from services.registry.household_filter import NO_FILTER, HouseholdFilter, described, search_of
from services.registry.models import Household, Member
from services.registry.national_codes import HOUSEHOLD_FIELDS, MEMBER_FIELDS, codes, label
from services.registry.statistics_service import scope_of
from services.registry.templates import HOUSEHOLD_COLUMNS, label_of

PAGE = 500


def household_cells(household: Household) -> list[str]:
    causes = json.loads(household.secondary_causes)
    return [
        household.number,
        household.village_code,
        label_of("attribute", household.attribute),
        label_of("cause", household.main_cause),
        "、".join(label_of("cause", cause) for cause in causes),
        label_of("assistance_category", household.assistance_category or ""),
        label_of("monitoring_category", household.monitoring_category or ""),
        "" if household.latitude is None else str(household.latitude),
        "" if household.longitude is None else str(household.longitude),
        *(label(spec, getattr(household, spec.name)) for spec in HOUSEHOLD_FIELDS),
        household.bank_account_masked,
        "、".join(
            codes("assistance_category").get(code, code)
            for code in json.loads(household.assistance_categories)
        ),
    ]


def member_cells(member: Member) -> list[str]:
    return [
        member.name,
        member.id_number_masked,
        label_of("relation", member.relation),
        member.education,
        member.health,
        member.disability,
        member.labour_capacity,
        member.schooling,
        member.phone_masked,
        *(label(spec, getattr(member, spec.name)) for spec in MEMBER_FIELDS),
    ]


class Exports:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def household_rows(
        self, caller: Principal, region_code: str, wanted: HouseholdFilter = NO_FILTER
    ) -> AsyncIterator[list[str]]:
        """The header, then one row per member of every household in the subtree that the
        filter finds."""
        scope = scope_of(caller, region_code)
        search = search_of(wanted, self.c.protector)
        async with self.c.db.unit_of_work() as session:
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action="households.exported",
                target_id=scope.region_code,
                region_code=scope.region_code,
                detail=described(wanted),
            )
        yield [c.header for c in HOUSEHOLD_COLUMNS]
        after = ""
        while True:
            async with self.c.db.read_only() as session:
                narrowed = await repo.filtered(session, search)
                page = list(await bulk.households_page(session, scope, after, PAGE, narrowed))
                members = await repo.members_of(session, [h.id for h in page])
            for household in page:
                cells = household_cells(household)
                for member in members[household.id]:
                    yield cells + member_cells(member)
            if len(page) < PAGE:
                return
            after = page[-1].id
