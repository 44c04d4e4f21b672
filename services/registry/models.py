"""Registry's tables: households, their members (identity numbers encrypted, with a blind
index), and the history of every change."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Household(SQLModel, table=True):
    __tablename__ = "households"
    # Statistics of a subtree read only this index (range on village_code; status, exits).
    __table_args__ = (
        Index("ix_households_village_status", "village_code", "status", "has_exited"),
        # Changes for the national system: households changed since a date (households/changes).
        Index("ix_households_updated_at", "updated_at"),
    )
    id: str = Field(primary_key=True)
    number: str = Field(unique=True)
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    latitude: float | None = None
    longitude: float | None = None
    attribute: str
    status: str
    monitoring_category: str | None = None
    has_exited: bool = False
    main_cause: str
    secondary_causes: str = "[]"  # JSON list
    assistance_category: str | None = None
    assistance_categories: str = "[]"  # JSON list: 五个一批, a household in several channels
    # The national 建档立卡 standard (national_codes.HOUSEHOLD_FIELDS); None: not recorded.
    identification_standard: str | None = None
    identification_year: int | None = None
    exit_year: int | None = None
    arable_land_mu: float | None = None
    forest_land_mu: float | None = None
    housing_area_m2: float | None = None
    dilapidated_grade: str | None = None
    safe_drinking_water: bool | None = None
    drinking_water_difficulty: bool | None = None
    has_electricity: bool | None = None
    road_type: str | None = None
    distance_to_road_km: float | None = None
    # The bank account subsidies are paid into: encrypted, shown masked, revealed on purpose.
    bank_account_cipher: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    bank_account_masked: str = ""
    version: int = 1
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Member(SQLModel, table=True):
    __tablename__ = "members"
    id: str = Field(primary_key=True)
    household_id: str = Field(foreign_key="households.id", index=True)
    position: int  # the order of the household's register
    name: str
    id_number_cipher: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    id_number_index: bytes = Field(sa_column=Column(LargeBinary(16), nullable=False, unique=True))
    id_number_masked: str
    phone_cipher: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    phone_masked: str = ""
    # The blind index of the phone (kit.protection): found by phone without decrypting any.
    phone_index: bytes | None = Field(default=None, sa_column=Column(LargeBinary(16), index=True))
    relation: str
    sex: str
    birth_date: date
    education: str = ""
    health: str = ""
    disability: str = ""
    labour_capacity: str = ""
    schooling: str = ""
    # The national standard's codes (national_codes.MEMBER_FIELDS); None: not recorded.
    ethnicity: str | None = None
    education_level: str | None = None
    schooling_status: str | None = None
    health_status: str | None = None
    labour_skill: str | None = None
    employment_status: str | None = None
    employment_months: int | None = None
    medical_insurance: bool | None = None
    critical_illness_insurance: bool | None = None
    pension_insurance: bool | None = None
    disability_grade: str | None = None


class HistoryEntry(SQLModel, table=True):
    """全周期留痕: who changed what, when, from what to what, and why."""

    __tablename__ = "household_history"
    # A household's history in order, and trends (kind, field, at) without reading the rows.
    __table_args__ = (
        Index("ix_household_history_household_kind", "household_id", "kind", "field", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    household_id: str
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor_id: str
    kind: str
    field: str = ""
    before: str = Field(default="null", sa_column=Column(Text, nullable=False))
    after: str = Field(default="null", sa_column=Column(Text, nullable=False))
    reason: str = ""


class Pairing(SQLModel, table=True):
    """A helper cadre paired with a household (帮扶结对)."""

    __tablename__ = "pairings"
    household_id: str = Field(foreign_key="households.id", primary_key=True)
    helper_id: str = Field(primary_key=True, index=True)
    paired_by: str
    paired_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ChangeRequest(SQLModel, table=True):
    """A helper's proposed edit; it counts only once the village work team approves it."""

    __tablename__ = "change_requests"
    __table_args__ = (Index("ix_change_requests_village_status", "village_code", "status"),)
    id: str = Field(primary_key=True)
    household_id: str = Field(foreign_key="households.id", index=True)
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    requested_by: str
    # JSON of the proposal; a proposed member's identity number only encrypted and masked
    changes: str = Field(sa_column=Column(Text, nullable=False))
    base_version: int
    status: str = "pending"
    reviewed_by: str = ""
    review_reason: str = ""
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    reviewed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class Income(SQLModel, table=True):
    """Net income of one household, one year, one source, in yuan."""

    __tablename__ = "household_incomes"
    household_id: str = Field(foreign_key="households.id", primary_key=True)
    year: int = Field(primary_key=True)
    source: str = Field(primary_key=True)
    amount: int


class Indicator(SQLModel, table=True):
    """Whether a household meets one guarantee indicator (两不愁三保障, 八有一超, ...)."""

    __tablename__ = "household_indicators"
    __table_args__ = (Index("ix_household_indicators_indicator", "indicator", "compliant"),)
    household_id: str = Field(foreign_key="households.id", primary_key=True)
    indicator: str = Field(primary_key=True)
    compliant: bool


class IndicatorYear(SQLModel, table=True):
    """A household's guarantee indicators as assessed in one year (年度); `household_indicators`
    holds those of its latest assessed year (what statistics and filters read)."""

    __tablename__ = "household_indicator_years"
    household_id: str = Field(foreign_key="households.id", primary_key=True)
    year: int = Field(primary_key=True)
    indicator: str = Field(primary_key=True)
    compliant: bool


class Benefit(SQLModel, table=True):
    """One policy benefit (享受政策) a department paid a household in one quarter, in yuan."""

    __tablename__ = "household_benefits"
    __table_args__ = (
        UniqueConstraint(
            "household_id",
            "year",
            "quarter",
            "department",
            "program",
            name="uq_household_benefits_key",
        ),
    )
    id: str = Field(primary_key=True)
    household_id: str = Field(foreign_key="households.id", index=True)
    year: int
    quarter: int
    department: str
    program: str
    amount: int
    recorded_by: str
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    source: str = "manual"  # "manual", "import:<job id>" or "project:<project id>"
    source_version: int = 0  # a project's benefit: the version of it applied (0: not one)


class ImportJob(SQLModel, table=True):
    """One file an officer imported (or only checked, or reconciled): what was asked, by whom,
    and the summary of what happened; its findings are the downloadable report."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_region", "region_code", "created_at"),)
    id: str = Field(primary_key=True)
    kind: str  # households | benefits | reconciliation
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    file_name: str
    file_format: str
    mode: str  # all_or_nothing | valid_rows_only
    dry_run: bool
    outcome: str  # applied | partially_applied | nothing_applied | checked
    summary: str = Field(sa_column=Column(Text, nullable=False))  # JSON counts
    findings: int
    created_by: str
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    finished_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ImportFinding(SQLModel, table=True):
    """One line of a job's report: a refused row's problem, or a reconciliation difference."""

    __tablename__ = "import_findings"
    job_id: str = Field(foreign_key="import_jobs.id", primary_key=True)
    seq: int = Field(primary_key=True)
    line: int
    household_number: str
    column: str
    message: str = Field(sa_column=Column(Text, nullable=False))
    registry_value: str = ""
    file_value: str = ""


class Village(SQLModel, table=True):
    """A village's own record: 贫困村 or not, its first secretary and work-team leader (identity
    accounts, named as identity named them when recorded) and its exit (出列)."""

    __tablename__ = "villages"
    __table_args__ = (Index("ix_villages_poor_exited", "is_poor", "has_exited"),)
    code: str = Field(sa_column=Column(String(12), primary_key=True))
    is_poor: bool = False
    poor_since: int | None = None
    has_exited: bool = False
    exit_year: int | None = None
    first_secretary_id: str = ""
    first_secretary_name: str = ""
    team_leader_id: str = ""
    team_leader_name: str = ""
    version: int = 1
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class VillageProfile(SQLModel, table=True):
    """村情 of one year: a new year adds a row, so the history of the figures is kept."""

    __tablename__ = "village_profiles"
    village_code: str = Field(sa_column=Column(String(12), primary_key=True))
    year: int = Field(primary_key=True)
    population: int
    households: int
    arable_land_mu: float
    collective_income: int
    roads_hardened: bool
    drinking_water: bool
    broadband: bool
    clinic: bool
    school: bool
    recorded_by: str
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class VillageHistoryEntry(SQLModel, table=True):
    """Every change of a village's record and every exit decision, with its evidence."""

    __tablename__ = "village_history"
    __table_args__ = (Index("ix_village_history_village", "village_code", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor_id: str
    kind: str
    before: str = Field(default="null", sa_column=Column(Text, nullable=False))
    after: str = Field(default="null", sa_column=Column(Text, nullable=False))
    reason: str = ""


class HelpingUnit(SQLModel, table=True):
    """A helping unit (帮扶单位/后盾单位): a department or an enterprise providing helpers, with
    its territory."""

    __tablename__ = "helping_units"
    __table_args__ = (Index("ix_helping_units_region", "region_code", "id"),)
    id: str = Field(primary_key=True)
    name: str
    kind: str
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    created_by: str
    version: int = 1
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class HelperRecord(SQLModel, table=True):
    """A helper cadre as the registry knows them, recorded when paired or assigned to a unit
    (or, for those paired before, by the start-up backfill): their territory and roles (which
    set their quota) and their unit, if any (at most one)."""

    __tablename__ = "helpers"
    __table_args__ = (Index("ix_helpers_region", "region_code"),)
    helper_id: str = Field(primary_key=True)
    name: str
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    unit_id: str | None = Field(default=None, foreign_key="helping_units.id", index=True)
    # Identity's roles of the cadre, sorted, comma-separated; None: not yet asked (recorded
    # before revision 0016), which the backfill asks.
    roles: str | None = None
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class UnitVillage(SQLModel, table=True):
    """A village assigned to a helping unit (单位包村)."""

    __tablename__ = "unit_villages"
    unit_id: str = Field(foreign_key="helping_units.id", primary_key=True)
    village_code: str = Field(sa_column=Column(String(12), primary_key=True))
    assigned_by: str
    assigned_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
