"""The rules of a project's progress (进度), with no I/O: what a milestone, a progress report, an
acceptance (验收) and a benefit to a household (带贫益贫) must be, when a project may be accepted,
and which projects are overdue. Every refusal names each wrong field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kit.errors import FailedPrecondition, FieldViolation, InvalidArgument

NAME_LENGTH = 60
NOTE_LENGTH = 500
FINDINGS_LENGTH = 1000
MAX_MILESTONES = 30
MAX_PHOTOS = 9  # per report, as a phone's photo picker offers
PLAN_YEARS = 3  # a milestone falls within the project's year and the next ones
MAX_BENEFIT_FEN = 10_000_000  # 10 万元 a household a year from one project: beyond is a typo
FIRST_YEAR = 2013  # targeted poverty alleviation (精准扶贫) began


class BenefitKind(StrEnum):
    INCOME = "income"  # a share of the project's produce or earnings (产业收益)
    DIVIDEND = "dividend"  # 分红 (e.g. a photovoltaic station's)
    JOB = "job"  # pay for work on or in the project (务工)
    LAND_RENT = "land_rent"  # rent for land let to the project (土地流转)


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    FAILED = "failed"


@dataclass(frozen=True)
class NewMilestone:
    name: str
    planned_on: date


@dataclass(frozen=True)
class MilestoneState:
    planned_on: date
    done_on: date | None


@dataclass(frozen=True)
class NewBenefit:
    household_id: str
    kind: str
    year: int
    amount_fen: int


def invalid(message: str, reason: str, violations: list[FieldViolation]) -> InvalidArgument:
    return InvalidArgument(message, reason=reason, violations=violations)


def checked_milestones(
    milestones: Sequence[NewMilestone], project_year: int, existing: int = 0
) -> list[NewMilestone]:
    """The milestones with their names trimmed, or InvalidArgument naming every wrong one."""
    violations: list[FieldViolation] = []
    if not milestones:
        violations.append(FieldViolation("milestones", "at least one"))
    if existing + len(milestones) > MAX_MILESTONES:
        violations.append(FieldViolation("milestones", f"at most {MAX_MILESTONES} a project"))
    trimmed = []
    last_year = project_year + PLAN_YEARS - 1
    for index, milestone in enumerate(milestones):
        name = milestone.name.strip()
        if not 0 < len(name) <= NAME_LENGTH:
            violations.append(FieldViolation(f"milestones[{index}].name", f"1 to {NAME_LENGTH}"))
        if not project_year <= milestone.planned_on.year <= last_year:
            violations.append(
                FieldViolation(
                    f"milestones[{index}].planned_on", f"in {project_year} to {last_year}"
                )
            )
        trimmed.append(NewMilestone(name, milestone.planned_on))
    names = [m.name for m in trimmed]
    if len(set(names)) < len(names):
        violations.append(FieldViolation("milestones", "names differ from each other"))
    if violations:
        raise invalid("the milestones are not valid", "INVALID_MILESTONE", violations)
    return trimmed


def checked_done_on(done_on: date, today: date) -> date:
    """A milestone is done on a day that has come."""
    if done_on > today:
        raise invalid(
            "a milestone cannot be done in the future",
            "INVALID_MILESTONE",
            [FieldViolation("done_on", "today or earlier")],
        )
    return done_on


def check_photo_count(photos: int) -> None:
    """A report holds at most MAX_PHOTOS photos (`photos`: with the one being added)."""
    if photos > MAX_PHOTOS:
        raise invalid(
            f"a report holds at most {MAX_PHOTOS} photos",
            "TOO_MANY_PHOTOS",
            [FieldViolation("file", f"at most {MAX_PHOTOS} photos a report")],
        )


def checked_report(percent_done: int, note: str, last_percent: int) -> str:
    """A progress report's trimmed note; the percent never goes back (a correction is a new,
    higher figure, or the county's failed acceptance, not a lower report)."""
    violations: list[FieldViolation] = []
    if not 0 <= percent_done <= 100:
        violations.append(FieldViolation("percent_done", "0 to 100"))
    elif percent_done < last_percent:
        violations.append(FieldViolation("percent_done", f"at least {last_percent}, the last"))
    trimmed = note.strip()
    if len(trimmed) > NOTE_LENGTH:
        violations.append(FieldViolation("note", f"at most {NOTE_LENGTH} characters"))
    if violations:
        raise invalid("the progress report is not valid", "INVALID_REPORT", violations)
    return trimmed


def checked_acceptance(
    outcome: str, findings: str, milestones: Sequence[MilestoneState], percent_done: int
) -> tuple[Outcome, str]:
    """The county's acceptance: a failure says its findings; a project is accepted only when
    every milestone is done and its last report says 100 %."""
    violations: list[FieldViolation] = []
    if outcome not in set(Outcome):
        violations.append(FieldViolation("outcome", "accepted or failed"))
    trimmed = findings.strip()
    if outcome == Outcome.FAILED and not trimmed:
        violations.append(FieldViolation("findings", "what failed, when the outcome is failed"))
    if len(trimmed) > FINDINGS_LENGTH:
        violations.append(FieldViolation("findings", f"at most {FINDINGS_LENGTH} characters"))
    if violations:
        raise invalid("the acceptance is not valid", "INVALID_ACCEPTANCE", violations)
    if outcome == Outcome.ACCEPTED:
        pending = sum(1 for m in milestones if m.done_on is None)
        if not milestones or pending or percent_done < 100:
            raise FailedPrecondition(
                "a project is accepted when every milestone is done and its progress is 100 %"
                f" ({pending} of {len(milestones)} milestones open, {percent_done} % done)",
                reason="NOT_READY_FOR_ACCEPTANCE",
            )
    return Outcome(outcome), trimmed


def is_overdue(milestone: MilestoneState, today: date) -> bool:
    """A milestone past its planned day and not done."""
    return milestone.done_on is None and milestone.planned_on < today


def checked_benefit(new: NewBenefit, beneficiaries: set[str], this_year: int) -> NewBenefit:
    """A benefit of one of the project's beneficiary households, of a known kind, for a year
    from the start of 精准扶贫 to this one, of a whole, positive, plausible number of fen."""
    violations: list[FieldViolation] = []
    if new.kind not in set(BenefitKind):
        violations.append(FieldViolation("kind", ", ".join(BenefitKind)))
    if not FIRST_YEAR <= new.year <= this_year:
        violations.append(FieldViolation("year", f"{FIRST_YEAR} to {this_year}"))
    if not 0 < new.amount_fen <= MAX_BENEFIT_FEN:
        violations.append(FieldViolation("amount_fen", f"1 to {MAX_BENEFIT_FEN} fen"))
    if violations:
        raise invalid("the benefit is not valid", "INVALID_BENEFIT", violations)
    if new.household_id not in beneficiaries:
        raise invalid(
            "the household is not one of the project's beneficiaries",
            "NOT_A_BENEFICIARY",
            [FieldViolation("household_id", "a beneficiary household of the project")],
        )
    return new
