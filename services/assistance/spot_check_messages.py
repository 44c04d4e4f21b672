"""Translation between the spot checks' protobuf messages and their domain objects."""

from __future__ import annotations

import json
from datetime import datetime

from jingzhun.assistance.v1 import spot_checks_pb2 as pb
from kit.clock import aware
from kit.mapping import from_message, to_message
from kit.paging import decode_token, encode_token, invalid_token
from services.assistance.models import SpotCheck, SpotCheckFinding, SpotCheckHousehold
from services.assistance.spot_check_repository import SpotCheckCounts
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


spot_check_summary_row = to_message(
    SpotCheck, pb.SpotCheckSummary, given=("sampled", "recorded", "differing")
)


def summary_message(found: SpotCheckCounts) -> pb.SpotCheckSummary:
    return spot_check_summary_row(
        found.spot_check,
        sampled=found.sampled,
        recorded=found.recorded,
        differing=found.differing,
    )


def list_token(last: SpotCheck) -> str:
    """The next page's token: the last spot check's (created_at, id)."""
    return encode_token(f"{aware(last.created_at).isoformat()}|{last.id}")


def list_cursor(token: str) -> tuple[datetime, str] | None:
    value = decode_token(token)
    if value is None:
        return None
    at, _, key = value.partition("|")
    try:
        moment = datetime.fromisoformat(at)
    except ValueError as exc:
        raise invalid_token() from exc
    if moment.tzinfo is None or not key.isalnum():
        raise invalid_token()
    return moment, key
