"""Use-cases of the household archive: register, read, edit, move through the lifecycle, the
full history, and the recorded reveal of an identity number. Everything is limited to the
caller's scope (their territory; a helper's pairings); out of it, a household does not exist."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.checks import parse
from kit.clock import utcnow
from kit.errors import AlreadyExists, InvalidArgument, NotFound
from kit.id_numbers import (
    birth_date_of,
    is_female,
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_mobile,
)
from kit.principal import Principal
from kit.territory import Level, is_valid_code, level_of
from services.registry import events, national_codes
from services.registry import read_repository as reads
from services.registry import repository as repo
from services.registry.bank_accounts import (
    BANK_ACCOUNT_FIELD,
    mask_bank_account,
    normalize_bank_account,
)
from services.registry.components import ID_NUMBER_FIELD, PHONE_FIELD, Components
from services.registry.domain import check_location, check_members, check_relation, parse_all
from services.registry.edits import (
    HouseholdChanges,
    apply_changes,
    assistance_categories,
    check_version,
    record_changes,
    set_standard,
)
from services.registry.household_filter import HouseholdFilter, search_of
from services.registry.household_order import BY_ID, Ordering
from services.registry.lifecycle import Action, Lifecycle, apply
from services.registry.models import (
    HistoryEntry,
    Household,
    Income,
    Indicator,
    IndicatorYear,
    Member,
)
from services.registry.national_changes import HouseholdChange, changed_households
from services.registry.national_codes import checked
from services.registry.vocabulary import (
    AssistanceCategory,
    Attribute,
    MonitoringCategory,
    PovertyCause,
)


@dataclass(frozen=True)
class NewMember:
    name: str
    id_number: str
    relation: str
    education: str = ""
    health: str = ""
    disability: str = ""
    labour_capacity: str = ""
    schooling: str = ""
    phone: str = ""
    standard: dict[str, str] = field(default_factory=dict)  # national_codes.MEMBER_FIELDS


@dataclass(frozen=True)
class NewHousehold:
    number: str
    village_code: str
    attribute: str
    main_cause: str
    members: list[NewMember]
    secondary_causes: list[str] = field(default_factory=list)
    assistance_category: str = ""
    latitude: float | None = None
    longitude: float | None = None
    monitoring_category: str = ""
    standard: dict[str, str] = field(default_factory=dict)  # national_codes.HOUSEHOLD_FIELDS
    bank_account: str = ""
    assistance_categories: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HouseholdView:
    household: Household
    members: list[Member]
    incomes: list[Income] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    benefits_by_year: dict[int, int] = field(default_factory=dict)  # yuan per year
    indicator_years: list[IndicatorYear] = field(default_factory=list)


async def views_of(session: AsyncSession, households: list[Household]) -> list[HouseholdView]:
    """Households with their members, incomes, indicators and benefits per year, in five queries
    for any number."""
    ids = [h.id for h in households]
    members = await repo.members_of(session, ids)
    incomes = await repo.incomes_of(session, ids)
    indicators = await repo.indicators_of(session, ids)
    benefits = await repo.benefit_totals_of(session, ids)
    years = await repo.indicator_years_of(session, ids)
    return [
        HouseholdView(
            h, members[h.id], incomes[h.id], indicators[h.id], benefits[h.id], years[h.id]
        )
        for h in households
    ]


def view_with(household: Household, parts: reads.HouseholdParts) -> HouseholdView:
    return HouseholdView(
        household,
        parts.members,
        parts.incomes,
        parts.indicators,
        benefits_by_year=parts.benefits_by_year,
        indicator_years=parts.indicator_years,
    )


MAX_BATCH = 1000  # households asked about in one call


def not_found() -> NotFound:
    return NotFound("household not found", reason="HOUSEHOLD_NOT_FOUND")


def found(household: Household | None) -> Household:
    """The household a scoped look-up found; out of scope it does not exist."""
    if household is None:
        raise not_found()
    return household


class HouseholdsService:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def create(self, caller: Principal, new: NewHousehold) -> HouseholdView:
        if not is_valid_code(new.village_code) or level_of(new.village_code) is not Level.VILLAGE:
            raise NotFound("village not found", reason="VILLAGE_NOT_FOUND")
        if not caller.scope.covers_region(new.village_code):
            raise NotFound("village not found", reason="VILLAGE_NOT_FOUND")
        lifecycle = (
            Lifecycle.registered_for_monitoring(
                parse(new.monitoring_category, MonitoringCategory, "monitoring_category")
            )
            if new.monitoring_category
            else Lifecycle.registered_poor()
        )
        check_location(new.latitude, new.longitude)
        check_members(
            [
                check_relation(m.relation, f"members[{i}].relation")
                for i, m in enumerate(new.members)
            ]
        )
        now = utcnow()
        household = Household(
            id=uuid.uuid4().hex,
            number=new.number.strip(),
            village_code=new.village_code,
            latitude=new.latitude,
            longitude=new.longitude,
            attribute=parse(new.attribute, Attribute, "attribute"),
            status=lifecycle.status,
            monitoring_category=lifecycle.monitoring_category,
            main_cause=parse(new.main_cause, PovertyCause, "main_cause"),
            secondary_causes=json.dumps(
                parse_all(new.secondary_causes, PovertyCause, "secondary_causes")
            ),
            assistance_category=parse(
                new.assistance_category, AssistanceCategory, "assistance_category"
            )
            if new.assistance_category
            else None,
            assistance_categories=json.dumps(
                assistance_categories(
                    [*new.assistance_categories, *filter(None, [new.assistance_category])]
                )
            ),
            created_at=now,
            updated_at=now,
        )
        set_standard(household, checked(national_codes.HOUSEHOLD_FIELDS, new.standard))
        if new.bank_account:
            self.set_bank_account(household, new.bank_account)
        members = [self.build_member(household.id, i, m) for i, m in enumerate(new.members)]
        async with self.c.db.unit_of_work() as session:
            if await repo.household_number_taken(session, household.number):
                raise AlreadyExists(
                    "a household with this number exists", reason="HOUSEHOLD_NUMBER_TAKEN"
                )
            for member in members:
                if await repo.member_with_index(session, member.id_number_index) is not None:
                    raise AlreadyExists(
                        "a person with this identity number is already registered",
                        reason="PERSON_REGISTERED",
                    )
            session.add(household)
            await session.flush()
            session.add_all(members)
            repo.record(
                session,
                household_id=household.id,
                at=now,
                actor_id=caller.actor_id,
                kind="created",
                after={"status": household.status, "members": len(members)},
            )
            events.publish_household(session, events.HOUSEHOLD_CREATED, household, caller.actor_id)
        return HouseholdView(household, members)

    async def get(self, caller: Principal, household_id: str) -> HouseholdView:
        """The hottest read, on the lean path of `read_repository`."""
        if self.c.db.is_postgres:
            read = await reads.household_with_parts(self.c.db, caller.scope, household_id)
            if read is None:
                raise not_found()
            household, parts = read
        else:
            async with self.c.db.engine.connect() as connection:
                household = found(await reads.household(connection, caller.scope, household_id))
                parts = await reads.parts_of(connection, household_id)
        return view_with(household, parts)

    async def villages_of(self, caller: Principal, household_ids: list[str]) -> dict[str, str]:
        """Where each household lives, of those in the caller's scope, for at most
        `MAX_BATCH` at once (another service checking many households in one call)."""
        if len(household_ids) > MAX_BATCH:
            raise InvalidArgument(
                f"at most {MAX_BATCH} households at once", reason="BATCH_TOO_LARGE"
            )
        if not household_ids:
            return {}
        async with self.c.db.read_only() as session:
            return await repo.villages_of(session, caller.scope, household_ids)

    async def list_households(
        self,
        caller: Principal,
        *,
        region_code: str,
        wanted: HouseholdFilter,
        limit: int,
        ordering: Ordering = BY_ID,
    ) -> list[HouseholdView]:
        """A page of the caller's households the filter finds: on PostgreSQL in one statement
        (`read_repository.page_with_parts`), on SQLite through the ORM."""
        scope = caller.scope.within(region_code)
        search = search_of(wanted, self.c.protector)
        if self.c.db.is_postgres:
            page = await reads.page_with_parts(self.c.db, scope, search, ordering, limit)
            return [view_with(household, parts) for household, parts in page]
        async with self.c.db.read_only() as session:
            households = await repo.list_households(
                session,
                scope=scope,
                narrowed=await repo.filtered(session, search),
                ordering=ordering,
                limit=limit,
            )
            return await views_of(session, list(households))

    async def update(
        self,
        caller: Principal,
        household_id: str,
        expected_version: int,
        wanted: HouseholdChanges,
        bank_account: str | None = None,
    ) -> HouseholdView:
        """Edit the household's fields; a new bank account is recorded masked in the history
        (an officer's edit only: a helper's proposal never carries one)."""
        async with self.c.db.unit_of_work() as session:
            household = await self.visible(session, caller, household_id, for_update=True)
            check_version(household, expected_version)
            differences = apply_changes(household, wanted)
            if bank_account is not None:
                before = household.bank_account_masked
                self.set_bank_account(household, bank_account)
                if before != household.bank_account_masked:
                    differences.append(("bank_account", before, household.bank_account_masked))
            record_changes(session, household, caller.actor_id, differences)
            (view,) = await views_of(session, [household])
        return view

    async def transition(
        self,
        caller: Principal,
        household_id: str,
        action: str,
        reason: str,
        monitoring_category: str,
    ) -> HouseholdView:
        step = parse(action, Action, "action")
        category = (
            parse(monitoring_category, MonitoringCategory, "monitoring_category")
            if monitoring_category
            else None
        )
        async with self.c.db.unit_of_work() as session:
            household = await self.visible(session, caller, household_id, for_update=True)
            before = events.lifecycle_of(household)
            after = apply(before, step, reason=reason, category=category)
            events.commit_transition(
                session, household, step, before, after, caller.actor_id, reason.strip()
            )
            (view,) = await views_of(session, [household])
        return view

    async def changes_since(
        self, caller: Principal, *, region_code: str, since: datetime, after: str | None, limit: int
    ) -> list[HouseholdChange]:
        """Households of the caller's scope (within `region_code`) changed since `since`."""
        scope = caller.scope.within(region_code)
        async with self.c.db.read_only() as session:
            return await changed_households(session, scope, since, after, limit)

    async def history(
        self, caller: Principal, household_id: str, after_id: int | None, limit: int
    ) -> list[HistoryEntry]:
        async with self.c.db.read_only() as session:
            await self.visible(session, caller, household_id)
            return list(
                await repo.history_of(session, household_id, after_id=after_id, limit=limit)
            )

    async def reveal(
        self, caller: Principal, household_id: str, member_id: str, purpose: str, what: str
    ) -> str:
        """The only way to a member's full identity number (`what` = "id_number") or mobile
        number ("phone"); who asked, when and why stays in the history."""
        async with self.c.db.unit_of_work() as session:
            household = await self.visible(session, caller, household_id)
            member = next(
                (
                    m
                    for m in (await repo.members_of(session, [household.id]))[household.id]
                    if m.id == member_id
                ),
                None,
            )
            if member is None:
                raise NotFound("member not found", reason="MEMBER_NOT_FOUND")
            repo.record(
                session,
                household_id=household.id,
                at=utcnow(),
                actor_id=caller.actor_id,
                kind="revealed",
                field=f"members.{member.id}.{what}",
                reason=purpose.strip(),
            )
            audit.record(
                session,
                events.SERVICE,
                actor_id=caller.actor_id,
                action="member.revealed",
                target_id=member.id,
                region_code=household.village_code,
                detail={"household_id": household.id, "field": what, "purpose": purpose.strip()},
            )
            if what == "phone":
                if member.phone_cipher is None:
                    raise NotFound("the member has no phone number", reason="PHONE_NOT_FOUND")
                return self.c.protector.decrypt(member.phone_cipher, PHONE_FIELD)
            return self.c.protector.decrypt(member.id_number_cipher, ID_NUMBER_FIELD)

    async def reveal_bank_account(self, caller: Principal, household_id: str, purpose: str) -> str:
        """The only way to the household's full bank account; recorded like RevealIdNumber."""
        async with self.c.db.unit_of_work() as session:
            household = await self.visible(session, caller, household_id)
            if household.bank_account_cipher is None:
                raise NotFound("the household has no bank account", reason="BANK_ACCOUNT_NOT_FOUND")
            repo.record(
                session,
                household_id=household.id,
                at=utcnow(),
                actor_id=caller.actor_id,
                kind="revealed",
                field="bank_account",
                reason=purpose.strip(),
            )
            audit.record(
                session,
                events.SERVICE,
                actor_id=caller.actor_id,
                action="household.bank_account_revealed",
                target_id=household.id,
                region_code=household.village_code,
                detail={"purpose": purpose.strip()},
            )
            return self.c.protector.decrypt(household.bank_account_cipher, BANK_ACCOUNT_FIELD)

    # ------------------------------------------------------------------ internals

    def set_bank_account(self, household: Household, value: str) -> None:
        """Encrypt and mask the account; "" removes it."""
        if not value:
            household.bank_account_cipher, household.bank_account_masked = None, ""
            return
        account = normalize_bank_account(value)
        household.bank_account_cipher = self.c.protector.encrypt(account, BANK_ACCOUNT_FIELD)
        household.bank_account_masked = mask_bank_account(account)

    @staticmethod
    async def visible(
        session: AsyncSession, caller: Principal, household_id: str, *, for_update: bool = False
    ) -> Household:
        """The household in the caller's scope (not found otherwise); `for_update` locks it
        for a write that bumps its version (repo.household_in)."""
        return found(
            await repo.household_in(session, caller.scope, household_id, for_update=for_update)
        )

    def build_member(self, household_id: str, position: int, new: NewMember) -> Member:
        number = normalize_id_number(new.id_number, field=f"members[{position}].id_number")
        phone = normalize_mobile(new.phone, field=f"members[{position}].phone") if new.phone else ""
        protector = self.c.protector
        return Member(
            phone_cipher=protector.encrypt(phone, PHONE_FIELD) if phone else None,
            phone_masked=mask_mobile(phone) if phone else "",
            phone_index=protector.blind_index(phone, PHONE_FIELD) if phone else None,
            id=uuid.uuid4().hex,
            household_id=household_id,
            position=position,
            name=new.name.strip(),
            id_number_cipher=protector.encrypt(number, ID_NUMBER_FIELD),
            id_number_index=protector.blind_index(number, ID_NUMBER_FIELD),
            id_number_masked=mask_id_number(number),
            relation=new.relation,
            sex="female" if is_female(number) else "male",
            birth_date=birth_date_of(number),
            education=new.education,
            health=new.health,
            disability=new.disability,
            labour_capacity=new.labour_capacity,
            schooling=new.schooling,
            **checked(
                national_codes.MEMBER_FIELDS, new.standard, prefix=f"members[{position}].standard."
            ),
        )
