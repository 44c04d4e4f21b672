"""Identity's pure rules."""

from datetime import UTC, datetime, timedelta

import pytest

from kit.errors import InvalidArgument
from services.identity.domain import (
    Lockout,
    check_password_policy,
    generate_initial_password,
    plan_division_steps,
    validate_mobile,
)


@pytest.mark.parametrize("mobile", ["12812345678", "1381234567", "138123456789", "1381234567a"])
def test_invalid_mobiles_are_rejected(mobile: str) -> None:
    with pytest.raises(InvalidArgument):
        validate_mobile(mobile)


@pytest.mark.parametrize("password", ["short1", "onlyletters", "12345678901", "a13812345678"])
def test_weak_passwords_are_rejected(password: str) -> None:
    with pytest.raises(InvalidArgument):
        check_password_policy(password, mobile="13812345678")


def test_initial_passwords_satisfy_the_policy_and_differ() -> None:
    passwords = {generate_initial_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        check_password_policy(password, mobile="13812345678")


def test_the_fifth_failure_locks_the_account_for_the_configured_time() -> None:
    lockout = Lockout(threshold=5, seconds=900)
    now = datetime.now(UTC)
    failed, locked_until = 0, None
    for _ in range(4):
        failed, locked_until = lockout.after_failure(failed + 1, now)
        assert locked_until is None
    failed, locked_until = lockout.after_failure(failed + 1, now)
    assert locked_until == now + timedelta(seconds=900)
    assert lockout.is_locked(locked_until, now + timedelta(seconds=899))
    assert not lockout.is_locked(locked_until, now + timedelta(seconds=901))


def test_a_division_step_must_keep_the_level_and_not_move_into_itself() -> None:
    with pytest.raises(InvalidArgument):
        plan_division_steps([("371202000000", "370100000000", "")])
    with pytest.raises(InvalidArgument):
        plan_division_steps([("370100000000", "370100000000", "")])
    (step,) = plan_division_steps([("371202000000", "370116000000", "莱芜区")])
    assert (step.old_prefix, step.new_prefix) == ("371202", "370116")
