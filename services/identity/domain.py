"""Identity's pure rules: mobiles and masking, password policy, lockout, delegation of user
administration, and the plan of a division change. No I/O here."""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from kit.authz import Authorizer
from kit.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from kit.principal import Principal
from kit.territory import is_valid_code, is_within, level_of, significant_prefix

MOBILE = re.compile(r"^1[3-9]\d{9}$")
NON_GRANTABLE_ROLES = frozenset({"integrator", "service"})
# Clients of the platform's own services (registered by an operator, never through the API)
# act with the role `service`; every other client with the role `integrator`.
SERVICE_CLIENT_PREFIX = "svc-"
INITIAL_PASSWORD_ALPHABET = string.ascii_letters + string.digits


def validate_mobile(mobile: str) -> str:
    mobile = mobile.strip()
    if not MOBILE.match(mobile):
        raise InvalidArgument(
            "mobile must be an 11-digit mainland mobile number",
            reason="INVALID_MOBILE",
            violations=[FieldViolation("mobile", "11 digits starting with 13-19")],
        )
    return mobile


def is_platform_client(client_id: str) -> bool:
    return client_id.startswith(SERVICE_CLIENT_PREFIX)


def client_role(client_id: str) -> str:
    return "service" if is_platform_client(client_id) else "integrator"


# An integrator's own quota at the gateway, in requests per minute.
MAX_REQUESTS_PER_MINUTE = 1_000_000


def validate_requests_per_minute(value: int) -> int | None:
    """The quota to store: None for 0 (the gateway's default), else 1 ... the maximum."""
    if not 0 <= value <= MAX_REQUESTS_PER_MINUTE:
        raise InvalidArgument(
            f"requests_per_minute must be between 1 and {MAX_REQUESTS_PER_MINUTE}",
            reason="INVALID_QUOTA",
            violations=[FieldViolation("requests_per_minute", "1 or more, or null")],
        )
    return value or None


def validate_region_code(code: str, field: str = "region_code") -> str:
    if not is_valid_code(code):
        raise InvalidArgument(
            "region codes are 12-digit statistical division codes",
            reason="INVALID_REGION_CODE",
            violations=[FieldViolation(field, "12 digits, e.g. 370102000000")],
        )
    return code


def check_password_policy(password: str, *, mobile: str) -> None:
    problems = []
    if len(password) < 8:
        problems.append("at least 8 characters")
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        problems.append("both letters and digits")
    if mobile and mobile in password:
        problems.append("must not contain the mobile number")
    if problems:
        raise InvalidArgument(
            "the new password is too weak: " + "; ".join(problems),
            reason="WEAK_PASSWORD",
            violations=[FieldViolation("new_password", p) for p in problems],
        )


def generate_initial_password() -> str:
    """12 characters with letters and digits, from the OS's CSPRNG."""
    while True:
        candidate = "".join(secrets.choice(INITIAL_PASSWORD_ALPHABET) for _ in range(12))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


@dataclass(frozen=True)
class Lockout:
    threshold: int
    seconds: int

    def is_locked(self, locked_until: datetime | None, now: datetime) -> bool:
        return locked_until is not None and locked_until > now

    def after_failure(self, counted: int, now: datetime) -> tuple[int, datetime | None]:
        """New (failed_attempts, locked_until) once a login failed, `counted` being the
        failures in a row including this one."""
        if counted >= self.threshold:
            return 0, now + timedelta(seconds=self.seconds)
        return counted, None


def check_roles_grantable(
    authorizer: Authorizer, caller: Principal, roles: list[str], region_code: str
) -> None:
    """Roles must exist and be grantable by the caller at `region_code`."""
    if not roles:
        raise InvalidArgument(
            "a user needs at least one role",
            reason="ROLES_REQUIRED",
            violations=[FieldViolation("roles", "at least one role")],
        )
    unknown = sorted(set(roles) - (authorizer.roles - NON_GRANTABLE_ROLES))
    if unknown:
        raise InvalidArgument(
            f"unknown roles: {', '.join(unknown)}",
            reason="UNKNOWN_ROLE",
            violations=[FieldViolation("roles", f"unknown role {r}") for r in unknown],
        )
    for role in roles:
        if not authorizer.can_grant(caller, role, region_code):
            raise PermissionDenied(
                f"you may not grant the role {role} here", reason="ROLE_NOT_GRANTABLE"
            )


def check_may_manage(
    authorizer: Authorizer,
    caller: Principal,
    target_id: str,
    target_region: str,
    target_roles: list[str],
) -> None:
    """An administrator manages users of their subtree whose every role they could grant."""
    if not is_within(target_region, caller.region_code):
        raise NotFound("user not found", reason="USER_NOT_FOUND")
    if target_id == caller.subject:
        raise PermissionDenied(
            "you may not change your own account this way", reason="SELF_MANAGEMENT"
        )
    for role in target_roles:
        if not authorizer.can_grant(caller, role, target_region):
            raise PermissionDenied("you may not manage this user", reason="USER_NOT_MANAGEABLE")


# ------------------------------------------------------------------ division changes


@dataclass(frozen=True)
class PlannedStep:
    old_code: str
    new_code: str
    new_name: str
    old_prefix: str
    new_prefix: str


def plan_division_steps(steps: list[tuple[str, str, str]]) -> list[PlannedStep]:
    """Validate the shape of each (old_code, new_code, new_name) step: valid codes of the same
    level, a new code not inside the subtree it replaces. Existence is checked against data."""
    if not steps:
        raise InvalidArgument("a division change needs at least one step", reason="NO_STEPS")
    planned = []
    for index, (old_code, new_code, new_name) in enumerate(steps):
        validate_region_code(old_code, f"steps[{index}].old_code")
        validate_region_code(new_code, f"steps[{index}].new_code")
        if level_of(old_code) != level_of(new_code):
            raise InvalidArgument(
                "a step keeps the level of the region it moves",
                reason="LEVEL_MISMATCH",
                violations=[FieldViolation(f"steps[{index}].new_code", "same level as old_code")],
            )
        old_prefix, new_prefix = significant_prefix(old_code), significant_prefix(new_code)
        if old_code != new_code and new_prefix.startswith(old_prefix):
            raise InvalidArgument("a region cannot move into itself", reason="CYCLIC_STEP")
        if old_code == new_code and not new_name:
            raise InvalidArgument("a step must change the code or the name", reason="EMPTY_STEP")
        planned.append(PlannedStep(old_code, new_code, new_name.strip(), old_prefix, new_prefix))
    return planned


@dataclass(frozen=True)
class AuditFilters:
    """What a reader of the audit log asks for; empty or None: any."""

    service: str = ""
    action: str = ""
    actor_id: str = ""
    target_id: str = ""
    since: datetime | None = None
    until: datetime | None = None
