"""What assistance's assessment (考核) reads of the registry, set-based for a whole subtree:
per village its households, those missing a required field (data quality) and its pairings;
per helper the households paired with them; the helpers recorded here whose territory meets the
subtree (name, unit) and their helping units (name, territory). Three GROUP BY counts and two
plain selections in one statement."""

from __future__ import annotations

from typing import Any

from grpc.aio import ServicerContext
from sqlalchemy import String, and_, bindparam, case, func, literal, or_, select, union_all
from sqlmodel import col

from jingzhun.registry.v1 import assessment_basis_pb2 as pb
from jingzhun.registry.v1 import assessment_basis_pb2_grpc
from kit.access import Access
from kit.db import Database
from kit.territory import ancestor_codes, subtree_range
from services.registry.models import HelperRecord, HelpingUnit, Household, Pairing

# A household's record is incomplete without these (the national 建档立卡 standard asks them).
REQUIRED_FIELDS = ("latitude", "identification_standard", "identification_year")
# The codes of a region and its ancestors (province … village: at most five), each bound to a
# parameter of its own so the statement keeps one shape (compiled once).
COVERING = tuple(bindparam(f"covering_{depth}", type_=String) for depth in range(5))


def _meets_subtree(region: Any, in_region: Any) -> Any:
    """A territory within the subtree, or one covering it: every helper who can be paired
    with a household of it (a household lies in its helper's territory, territories nest)."""
    return or_(in_region(region), region.in_(COVERING))


def _basis_statement() -> Any:
    """The three GROUP BY counts in one UNION ALL, each row tagged with its kind; built once,
    the subtree bound at each execution."""
    incomplete = or_(*(col(getattr(Household, name)).is_(None) for name in REQUIRED_FIELDS))
    low, high = bindparam("low", type_=String), bindparam("high", type_=String)

    def in_region(column: Any) -> Any:
        return and_(column >= low, column <= high)

    village = col(Household.village_code)
    joined = col(Household.id) == col(Pairing.household_id)
    helper = col(Pairing.helper_id)
    recorded = _meets_subtree(col(HelperRecord.region_code), in_region)
    none = literal("")
    return union_all(
        select(
            literal("village"),
            village,
            func.count(),
            func.sum(case((incomplete, 1), else_=0)),
            none,
            none,
        )
        .where(in_region(village))
        .group_by(village),
        select(literal("paired"), village, func.count(), literal(0), none, none)
        .select_from(Pairing)
        .join(Household, joined)
        .where(in_region(village))
        .group_by(village),
        select(literal("helper"), helper, func.count(), literal(0), none, none)
        .select_from(Pairing)
        .join(Household, joined)
        .where(in_region(village))
        .group_by(helper),
        select(
            literal("record"),
            col(HelperRecord.helper_id),
            literal(0),
            literal(0),
            func.coalesce(col(HelperRecord.unit_id), ""),
            col(HelperRecord.name),
        ).where(recorded),
        select(
            literal("unit"),
            col(HelpingUnit.id),
            literal(0),
            literal(0),
            col(HelpingUnit.region_code),
            col(HelpingUnit.name),
        ).where(col(HelpingUnit.id).in_(select(col(HelperRecord.unit_id)).where(recorded))),
    )


BASIS = _basis_statement()


def basis_parameters(region_code: str) -> dict[str, str]:
    """The subtree's bounds and the codes covering it (the region's own repeats as padding)."""
    low, high = subtree_range(region_code)
    chain = [*ancestor_codes(region_code), region_code]
    chain += [region_code] * (len(COVERING) - len(chain))
    return {"low": low, "high": high} | {
        p.key: code for p, code in zip(COVERING, chain, strict=True)
    }


async def assessment_basis(db: Database, region_code: str) -> pb.AssessmentBasis:
    rows: dict[str, dict[str, tuple[int, int]]] = {"village": {}, "paired": {}, "helper": {}}
    labelled: dict[str, dict[str, tuple[str, str]]] = {"record": {}, "unit": {}}
    for kind, key, n, missing, extra, name in await db.read_rows(
        BASIS, basis_parameters(region_code)
    ):
        if kind in labelled:
            labelled[kind][key] = (extra, name)
        else:
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
        helper_records=[
            pb.HelperRecordBasis(helper_id=h, unit_id=unit, name=name)
            for h, (unit, name) in sorted(labelled["record"].items())
        ],
        units=[
            pb.UnitBasis(unit_id=u, region_code=region, name=name)
            for u, (region, name) in sorted(labelled["unit"].items())
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
