"""The query parameters that narrow households, the same for the list, the statistics, the map
and exports: one model, one message (registry's HouseholdFilter)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from gateway.fields import Instant
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.mapping import to_message

Word = Annotated[str, Field(max_length=40)]


class HouseholdFilterQuery(BaseModel):
    name_prefix: str = Field(
        default="", max_length=64, description="the head's or any member's name starts with it"
    )
    id_number: str = Field(
        default="", max_length=18, description="a member's identity number, exact"
    )
    phone: str = Field(default="", max_length=20, description="a member's mobile, exact")
    number: str = Field(default="", max_length=40, description="the archive number, exact")
    status: Word = ""
    attribute: Word = ""
    main_cause: Word = ""
    cause: Word = Field(default="", description="the main cause or any secondary one")
    assistance_category: Word = ""
    monitoring_category: Word = ""
    pairing: Word = Field(default="", description="paired or unpaired")
    helper_id: str = Field(default="", max_length=64, description="paired with this helper")
    failing_indicators: list[Word] = Field(
        default_factory=list,
        max_length=20,
        description="not compliant with each (e.g. safe_housing)",
    )
    exit_year: int = Field(default=0, ge=0, le=2100, description="脱贫年度; 0: any")
    changed_since: Instant | None = Field(
        default=None, description="changed since (the changes for the national system)"
    )
    income_below: int = Field(
        default=0,
        ge=0,
        le=10_000_000,
        description="yuan per person per year: the net income per person of the household's"
        " latest recorded year is below it (no incomes recorded: no match); 0: any",
    )
    needing_help: bool = Field(
        default=False,
        description="only households helpers must cover: poor (identified or under assistance)"
        " or under monitoring",
    )
    ids: list[Annotated[str, Field(max_length=64, pattern=r"^[0-9a-f]+$")]] = Field(
        default_factory=list,
        alias="id",
        max_length=200,
        description="only these households (repeat the parameter; at most 200): those out of"
        " scope are left out",
    )


filter_message = to_message(HouseholdFilterQuery, pb.HouseholdFilter)
