"""What assistance's assessment (考核) reads of the registry, set-based for a whole subtree:
per village its households, those missing a required field (data quality) and its pairings;
per helper the households paired with them. Three GROUP BY counts in one statement."""

from __future__ import annotations

from typing import Any

from grpc.aio import ServicerContext
from sqlalchemy import String, and_, bindparam, case, func, literal, or_, select, union_all
from sqlmodel import col

from jingzhun.registry.v1 import assessment_basis_pb2 as pb
from jingzhun.registry.v1 import assessment_basis_pb2_grpc
from kit.access import Access
from kit.db import Database
from kit.territory import subtree_range
from services.registry.models import Household, Pairing

# A household's record is incomplete without these (the national 建档立卡 standard asks them).
REQUIRED_FIELDS = ("latitude", "identification_standard", "identification_year")


def _basis_statement() -> Any:
    """The three GROUP BY counts in one UNION ALL, each row tagged with its kind; built once,
    the subtree bound at each execution."""
    incomplete = or_(*(col(getattr(Household, name)).is_(None) for name in REQUIRED_FIELDS))
    village = col(Household.village_code)
    in_region = and_(
        village >= bindparam("low", type_=String), village <= bindparam("high", type_=String)
    )
    joined = col(Household.id) == col(Pairing.household_id)
    helper = col(Pairing.helper_id)
    return union_all(
        select(literal("village"), village, func.count(), func.sum(case((incomplete, 1), else_=0)))
        .where(in_region)
        .group_by(village),
        select(literal("paired"), village, func.count(), literal(0))
        .select_from(Pairing)
        .join(Household, joined)
        .where(in_region)
        .group_by(village),
        select(literal("helper"), helper, func.count(), literal(0))
        .select_from(Pairing)
        .join(Household, joined)
        .where(in_region)
        .group_by(helper),
    )


BASIS = _basis_statement()


async def assessment_basis(db: Database, region_code: str) -> pb.AssessmentBasis:
    low, high = subtree_range(region_code)
    rows: dict[str, dict[str, tuple[int, int]]] = {"village": {}, "paired": {}, "helper": {}}
    for kind, key, n, missing in await db.read_rows(BASIS, {"low": low, "high": high}):
        rows[kind][key] = (int(n), int(missing or 0))
    pairings = rows["paired"]
    return pb.AssessmentBasis(
        region_code=region_code,
        villages=[
            pb.VillageBasis(
                village_code=code,
                households=n,
                incomplete=missing,
                pairings=pairings.get(code, (0, 0))[0],
            )
            for code, (n, missing) in sorted(rows["village"].items())
        ],
        helpers=[
            pb.HelperBasis(helper_id=h, households=n)
            for h, (n, _) in sorted(rows["helper"].items())
        ],
    )


class RegistryAssessmentApi(assessment_basis_pb2_grpc.RegistryAssessmentServiceServicer):
    def __init__(self, db: Database, access: Access) -> None:
        self.db = db
        self._caller = access.caller

    async def GetAssessmentBasis(
        self, request: pb.GetAssessmentBasisRequest, context: ServicerContext
    ) -> pb.AssessmentBasis:
        scope = self._caller("assessment", "read").scope.within(request.region_code)
        return await assessment_basis(self.db, scope.region_code)
