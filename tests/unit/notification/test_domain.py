"""Notification's pure rules: replies read as commands, quiet hours and the local day in
Shandong, backoff, what a message's receipts add up to, and the templates' texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kit.errors import InvalidArgument
from services.notification.domain import (
    Command,
    SendingRules,
    national_number,
    parse_reply,
    settled_status,
)
from services.notification.templates import render, template_named

RULES = SendingRules.parse(
    "22:00-07:00",
    "Asia/Shanghai",
    daily_cap=20,
    max_attempts=8,
    retry_base=30.0,
    retry_max=3600.0,
)


def shanghai(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("1", Command("accept", "")),
        ("１", Command("accept", "")),
        (" 2 ", Command("complete", "")),
        ("2 K7Q", Command("complete", "K7Q")),
        ("２　ｋ７ｑ", Command("complete", "K7Q")),
        ("2K7Q。", Command("complete", "K7Q")),
        ("2  k7q", Command("complete", "K7Q")),
    ],
)
def test_replies_are_read_whatever_the_keyboard(text: str, command: Command) -> None:
    assert parse_reply(text) == command


@pytest.mark.parametrize("text", ["", "3", "12", "好的", "2 K7Q9", "1 2 3", "accept"])
def test_anything_else_is_not_a_command(text: str) -> None:
    assert parse_reply(text) is None


def test_a_sender_number_is_read_as_identity_keeps_it() -> None:
    assert {national_number(n) for n in ("+8613900000201", "008613900000201", "13900000201")} == {
        "13900000201"
    }


def test_quiet_hours_end_at_seven_in_the_morning_local_time() -> None:
    seven = shanghai(24, 7)
    assert RULES.quiet_until(shanghai(23, 22)) == seven
    assert RULES.quiet_until(shanghai(24, 3)) == seven
    assert RULES.quiet_until(shanghai(24, 7)) is None
    assert RULES.quiet_until(shanghai(23, 21, 59)) is None


def test_urgent_messages_wait_for_nothing_and_others_for_the_morning_or_the_next_day() -> None:
    assert RULES.hold_until(True, shanghai(23, 23), sent_today=99) is None
    assert RULES.hold_until(False, shanghai(23, 23), sent_today=0) == (
        shanghai(24, 7),
        "held for quiet hours",
    )
    held = RULES.hold_until(False, shanghai(23, 15), sent_today=20)
    assert held is not None and held[0] == shanghai(24, 0)
    assert RULES.hold_until(False, shanghai(23, 15), sent_today=19) is None


def test_retries_back_off_exponentially_up_to_a_ceiling_and_honour_retry_after() -> None:
    delays = [RULES.retry_delay(n, None).total_seconds() for n in (1, 2, 3, 10)]
    assert delays == [30.0, 60.0, 120.0, 3600.0]
    assert RULES.retry_delay(1, 300.0).total_seconds() == 300.0


def test_a_message_is_delivered_when_every_part_is() -> None:
    assert settled_status(["delivered", ""]) is None
    assert settled_status(["delivered", "delivered"]) == "delivered"
    assert settled_status(["delivered", "failed"]) == "failed"
    assert settled_status(["expired", ""]) == "expired"


def test_templates_are_signed_and_refused_when_incomplete_or_too_long() -> None:
    notice = template_named("notice")
    assert render(notice, {"text": "开会"}, "精准扶贫").text == "【精准扶贫】开会"
    task = render(
        template_named("task_assigned"),
        {"task": "核查", "due": "周五"},
        "精准扶贫",
        name="李四",
        code="K7Q",
    )
    assert task.params == {"name": "李四", "task": "核查", "due": "周五", "code": "K7Q"}
    with pytest.raises(InvalidArgument):
        render(template_named("task_assigned"), {"task": "核查"}, "精准扶贫")
    with pytest.raises(InvalidArgument):
        render(notice, {"text": "长" * 500}, "精准扶贫")
    with pytest.raises(InvalidArgument):
        template_named("no_such_template")
