"""Translation between the spot checks' protobuf messages and their domain objects."""

from __future__ import annotations

import json

from jingzhun.assistance.v1 import spot_checks_pb2 as pb
from kit.mapping import from_message, to_message
from services.assistance.models import SpotCheck, SpotCheckFinding, SpotCheckHousehold
from services.assistance.spot_check_rules import Observation
from services.assistance.spot_checks_service import NewFinding, NewSpotCheck, SpotCheckView

new_spot_check = from_message(pb.CreateSpotCheckRequest, NewSpotCheck)


def observation(message: pb.Observation) -> Observation:
    return Observation(
        members_count=message.members_count if message.HasField("members_count") else None,
        attribute=message.attribute if message.HasField("attribute") else None,
        safe_housing=message.safe_housing if message.HasField("safe_housing") else None,
        income_sources=tuple(message.income_sources),
    )


new_finding = from_message(
    pb.RecordFindingRequest, NewFinding, observed=lambda r: observation(r.observed)
)
finding_message = to_message(
    SpotCheckFinding,
    pb.Finding,
    observed=lambda f: pb.Observation(**json.loads(f.observed)),
    differences=lambda f: [pb.Difference(**d) for d in json.loads(f.differences)],
)
sampled_message = to_message(SpotCheckHousehold, pb.SampledHousehold, given=("finding",))
spot_check_row_message = to_message(SpotCheck, pb.SpotCheck, given=("strata", "households"))


def spot_check_message(view: SpotCheckView) -> pb.SpotCheck:
    findings = view.findings
    return spot_check_row_message(
        view.spot_check,
        strata=[pb.StratumCount(stratum=s, population=p, sampled=n) for s, p, n in view.strata],
        households=[
            sampled_message(
                h,
                finding=finding_message(findings[h.household_id])
                if h.household_id in findings
                else None,
            )
            for h in view.households
        ],
    )
