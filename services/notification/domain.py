"""Notification's pure rules: message statuses, quiet hours and the local day, retry backoff,
short codes, the status a message's receipts add up to, and replies read as commands."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kit.errors import InvalidArgument

QUEUED, HELD, SUBMITTED = "queued", "held", "submitted"
DELIVERED, FAILED, EXPIRED = "delivered", "failed", "expired"
STATUSES = (QUEUED, HELD, SUBMITTED, DELIVERED, FAILED, EXPIRED)
WAITING = (QUEUED, HELD)  # messages in the queue (a message being sent stays queued)
UNSETTLED = (*WAITING, SUBMITTED)

SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed
SHORT_CODE_LENGTH = 3
COMMANDS = {"1": "accept", "2": "complete"}
REPLY = re.compile(r"^([12])(?: ?([A-Z2-9]{3}))?$")
TRAILING_PUNCTUATION = "。.!！,，;；~"


@dataclass(frozen=True)
class SendingRules:
    quiet_start: time | None
    quiet_end: time | None
    zone: ZoneInfo
    daily_cap: int
    max_attempts: int
    retry_base: float
    retry_max: float

    @classmethod
    def parse(cls, quiet_hours: str, zone: str, **limits: float) -> SendingRules:
        """`quiet_hours` like "22:00-07:00" in the local time of `zone` (empty: none)."""
        start = end = None
        if quiet_hours.strip():
            try:
                first, second = quiet_hours.split("-")
                start, end = time.fromisoformat(first.strip()), time.fromisoformat(second.strip())
            except ValueError as exc:
                raise ValueError(f"quiet hours must look like 22:00-07:00: {quiet_hours}") from exc
        return cls(
            quiet_start=start,
            quiet_end=end,
            zone=ZoneInfo(zone),
            daily_cap=int(limits["daily_cap"]),
            max_attempts=int(limits["max_attempts"]),
            retry_base=limits["retry_base"],
            retry_max=limits["retry_max"],
        )

    def quiet_until(self, now: datetime) -> datetime | None:
        """When (UTC) the quiet hours `now` lies in end, or None outside them."""
        if self.quiet_start is None or self.quiet_end is None or self.quiet_start == self.quiet_end:
            return None
        local = now.astimezone(self.zone)
        clock = local.time()
        if self.quiet_start < self.quiet_end:
            inside = self.quiet_start <= clock < self.quiet_end
            end_day = local.date()
        else:  # across midnight, e.g. 22:00-07:00
            inside = clock >= self.quiet_start or clock < self.quiet_end
            end_day = local.date() + timedelta(days=1 if clock >= self.quiet_start else 0)
        if not inside:
            return None
        return datetime.combine(end_day, self.quiet_end, tzinfo=self.zone).astimezone(UTC)

    def day_start(self, now: datetime) -> datetime:
        """Local midnight that began `now`'s day (the daily cap counts from it), in UTC: the
        instants stored are all UTC (SQLite keeps no time zone)."""
        local = now.astimezone(self.zone)
        return datetime.combine(local.date(), time(0), tzinfo=self.zone).astimezone(UTC)

    def next_day(self, now: datetime) -> datetime:
        return self.day_start(now) + timedelta(days=1)

    def hold_until(
        self, urgent: bool, now: datetime, sent_today: int
    ) -> tuple[datetime, str] | None:
        """Until when (and why) a message must wait: quiet hours, or the number's daily cap
        reached. Urgent messages never wait (but count towards the cap)."""
        if urgent:
            return None
        quiet_end = self.quiet_until(now)
        if quiet_end is not None:
            return quiet_end, "held for quiet hours"
        if sent_today >= self.daily_cap:
            return self.next_day(now), "held: the number's daily cap is reached"
        return None

    def retry_delay(self, attempts: int, retry_after: float | None) -> timedelta:
        """Exponential backoff after the `attempts`-th failed try, at least `retry_after`."""
        backoff = min(self.retry_base * 2 ** max(attempts - 1, 0), self.retry_max)
        return timedelta(seconds=max(backoff, retry_after or 0.0))


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def settled_status(part_states: list[str]) -> str | None:
    """The status the receipts of a message's parts add up to (None: not all are in)."""
    if FAILED in part_states:
        return FAILED
    if EXPIRED in part_states:
        return EXPIRED
    if part_states and all(state == DELIVERED for state in part_states):
        return DELIVERED
    return None


@dataclass(frozen=True)
class Command:
    name: str  # accept | complete
    short_code: str  # as quoted, upper case; empty when none


def parse_reply(text: str) -> Command | None:
    """`1` accept, `2` complete, optionally with a short code (`2 K7Q`): full-width digits and
    letters, any spaces and a trailing full stop are all right. None: not a command."""
    normal = unicodedata.normalize("NFKC", text).upper().strip().rstrip(TRAILING_PUNCTUATION)
    match = REPLY.match(" ".join(normal.split()))
    if match is None:
        return None
    return Command(COMMANDS[match.group(1)], match.group(2) or "")


def national_number(phone: str) -> str:
    """A sender's number as identity keeps it: 11 digits, without +86 or 0086."""
    digits = "".join(c for c in phone if c.isdigit())
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def check_status(status: str) -> str:
    if status and status not in STATUSES:
        raise InvalidArgument(
            "status must be one of " + ", ".join(STATUSES), reason="INVALID_STATUS"
        )
    return status
