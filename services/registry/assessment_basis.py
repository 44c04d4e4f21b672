"""What assistance's assessment (考核) reads of the registry, set-based for a whole subtree:
per village its households, those missing a required field (data quality) and its pairings;
per helper the households paired with them. Three GROUP BY statements, whatever the size."""

from __future__ import annotations

from grpc.aio import ServicerContext
from sqlalchemy import case, func, or_
from sqlmodel import col, select

from jingzhun.registry.v1 import assessment_basis_pb2 as pb
from jingzhun.registry.v1 import assessment_basis_pb2_grpc
from kit.access import Access
from kit.db import Database, in_subtree
from services.registry.models import Household, Pairing

# A household's record is incomplete without these (the national 建档立卡 standard asks them).
REQUIRED_FIELDS = ("latitude", "identification_standard", "identification_year")


async def assessment_basis(db: Database, region_code: str) -> pb.AssessmentBasis:
    incomplete = or_(*(col(getattr(Household, name)).is_(None) for name in REQUIRED_FIELDS))
    village = col(Household.village_code)
    in_region = in_subtree(village, region_code)
    households = (
        select(village, func.count(), func.sum(case((incomplete, 1), else_=0)))
        .where(in_region)
        .group_by(village)
    )
    joined = col(Household.id) == col(Pairing.household_id)
    by_village = (
        select(village, func.count())
        .select_from(Pairing)
        .join(Household, joined)
        .where(in_region)
        .group_by(village)
    )
    helper = col(Pairing.helper_id)
    by_helper = (
        select(helper, func.count())
        .select_from(Pairing)
        .join(Household, joined)
        .where(in_region)
        .group_by(helper)
        .order_by(helper)
    )
    async with db.read_only() as session:
        pairings = dict((await session.exec(by_village)).all())
        villages = [
            pb.VillageBasis(
                village_code=code,
                households=int(n),
                incomplete=int(missing or 0),
                pairings=int(pairings.get(code, 0)),
            )
            for code, n, missing in sorted((await session.exec(households)).all())
        ]
        helpers = [
            pb.HelperBasis(helper_id=h, households=int(n))
            for h, n in (await session.exec(by_helper)).all()
        ]
    return pb.AssessmentBasis(region_code=region_code, villages=villages, helpers=helpers)


class RegistryAssessmentApi(assessment_basis_pb2_grpc.RegistryAssessmentServiceServicer):
    def __init__(self, db: Database, access: Access) -> None:
        self.db = db
        self._caller = access.caller

    async def GetAssessmentBasis(
        self, request: pb.GetAssessmentBasisRequest, context: ServicerContext
    ) -> pb.AssessmentBasis:
        scope = self._caller("assessment", "read").scope.within(request.region_code)
        return await assessment_basis(self.db, scope.region_code)
