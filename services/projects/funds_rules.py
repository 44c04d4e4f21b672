"""The rules of projects' funds (资金), pure and without I/O: the sources funds come from, what
an amount in fen may be, which projects may receive funds, a disbursement's (拨付) states and
who may move it on, and the ledger's figures (allocated = disbursed + remaining)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kit.errors import FailedPrecondition, FieldViolation, InvalidArgument, PermissionDenied
from kit.territory import Level, code_from_prefix, is_valid_code, level_of
from services.projects.domain import MAX_BUDGET_FEN, FundSource
from services.projects.lifecycle import ProjectStatus

SOURCES = tuple(source.value for source in FundSource)  # the budget's sources (domain.py)
LARGEST_AMOUNT_FEN = MAX_BUDGET_FEN
LONGEST_TEXT = 200

# A project receives funds only once the county approved it into the plan (projects' own
# lifecycle decides these states; funds only reads them).
FUNDABLE_STATUSES = frozenset({ProjectStatus.PLANNED.value, ProjectStatus.IN_PROGRESS.value})

REQUESTED, APPROVED, REJECTED, PAID = "requested", "approved", "rejected", "paid"
DISBURSEMENT_STATUSES = (REQUESTED, APPROVED, REJECTED, PAID)
# act -> (the state it starts from, the state it leads to)
DISBURSEMENT_ACTS = {
    "approve": (REQUESTED, APPROVED),
    "reject": (REQUESTED, REJECTED),
    "pay": (APPROVED, PAID),
}


def amount_fen(value: int, field: str = "amount_fen") -> int:
    """An amount of money moved: a whole, positive number of fen (分)."""
    if not 0 < value <= LARGEST_AMOUNT_FEN:
        raise InvalidArgument(
            f"{field} is a whole number of fen, 1 to {LARGEST_AMOUNT_FEN}",
            reason="INVALID_AMOUNT",
            violations=[FieldViolation(field, f"1 to {LARGEST_AMOUNT_FEN} fen")],
        )
    return value


def source(value: str) -> str:
    if value not in SOURCES:
        raise InvalidArgument(
            f"source is one of: {', '.join(SOURCES)}",
            reason="UNKNOWN_FUND_SOURCE",
            violations=[FieldViolation("source", ", ".join(SOURCES))],
        )
    return value


def text(value: str, field: str, *, required: bool) -> str:
    """A short text (a document number 文号, a milestone, a reason), trimmed."""
    trimmed = value.strip()
    if (required and not trimmed) or len(trimmed) > LONGEST_TEXT:
        need = "1 to" if required else "at most"
        raise InvalidArgument(
            f"{field} is {need} {LONGEST_TEXT} characters",
            reason="INVALID_TEXT",
            violations=[FieldViolation(field, f"{need} {LONGEST_TEXT} characters")],
        )
    return trimmed


def progress_percent(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 100:
        raise InvalidArgument(
            "progress_percent is 0 to 100",
            reason="INVALID_PERCENT",
            violations=[FieldViolation("progress_percent", "0 to 100")],
        )
    return value


def county_code(value: str) -> str:
    """A fund pool's region: a county's code (县级资金整合: the county is the unit)."""
    if not is_valid_code(value) or level_of(value) is not Level.COUNTY:
        raise InvalidArgument(
            "county_code is a county's 12-digit division code",
            reason="NOT_A_COUNTY",
            violations=[FieldViolation("county_code", "a county's division code")],
        )
    return value


def county_of(region_code: str) -> str:
    """The county a project's place (a county, town or village) lies in."""
    return code_from_prefix(region_code[:6])


def require_fundable(status: str) -> None:
    if status not in FUNDABLE_STATUSES:
        raise FailedPrecondition(
            f"funds go only to projects approved into the plan (planned or in progress), "
            f"not to one {status.replace('_', ' ')}",
            reason="PROJECT_NOT_FUNDABLE",
        )


def over_budget(budget_fen: int, allocated_fen: int, amount: int, src: str) -> InvalidArgument:
    """An allocation that would take a project's funds from a source past its budget."""
    return InvalidArgument(
        f"the project's budget from {src} is {budget_fen} fen, {allocated_fen} of it "
        f"allocated: {amount} more is over it",
        reason="OVER_BUDGET",
        violations=[FieldViolation("amount_fen", f"at most {budget_fen - allocated_fen}")],
    )


def pool_short(unallocated_fen: int, amount: int) -> FailedPrecondition:
    return FailedPrecondition(
        f"the pool has {unallocated_fen} fen not yet allocated: {amount} is more",
        reason="POOL_EXCEEDED",
    )


def allocation_short(available_fen: int, amount: int) -> FailedPrecondition:
    return FailedPrecondition(
        f"the project has {available_fen} fen of this source neither disbursed nor requested: "
        f"{amount} is more",
        reason="ALLOCATION_EXCEEDED",
    )


def next_status(current: str, act: str) -> str:
    """The state `act` leads a disbursement in `current` to, or a conflict."""
    start, end = DISBURSEMENT_ACTS[act]
    if current != start:
        raise FailedPrecondition(
            f"only a disbursement {start} can be {end}; this one is {current}",
            reason="DISBURSEMENT_NOT_" + start.upper(),
        )
    return end


def moved_meanwhile() -> FailedPrecondition:
    """Of two steps on one disbursement at once, the one that found it already moved on."""
    return FailedPrecondition(
        "the disbursement was moved on by someone else meanwhile", reason="DISBURSEMENT_MOVED"
    )


def require_second_officer(requested_by: str, deciding: str) -> None:
    """Four eyes: who asked for a disbursement does not approve or reject it."""
    if requested_by == deciding:
        raise PermissionDenied(
            "a second officer decides a disbursement, not the one who requested it",
            reason="SECOND_OFFICER_REQUIRED",
        )


@dataclass(frozen=True)
class Balance:
    """A project's funds from one source. `pending` is requested or approved, not yet paid:
    held back so that two requests never promise the same yuan."""

    allocated_fen: int
    pending_fen: int
    disbursed_fen: int

    @property
    def remaining_fen(self) -> int:
        """allocated = disbursed + remaining."""
        return self.allocated_fen - self.disbursed_fen

    @property
    def available_fen(self) -> int:
        """What a new disbursement may still ask for."""
        return self.remaining_fen - self.pending_fen


def is_idle(balance: Balance, last_moved_at: datetime, now: datetime, days: float) -> bool:
    """Funds allocated to a project and not disbursed for more than `days` (资金闲置)."""
    return balance.remaining_fen > 0 and now - last_moved_at > timedelta(days=days)
