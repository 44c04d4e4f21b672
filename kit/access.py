"""Defence in depth for every service call: the gateway checked the function already; the
service checks the caller's token, password state and role → permission again, and marks a
caller who holds the function only as a helper cadre: their scope is their pairings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from kit.authz import Authorizer
from kit.errors import PermissionDenied, Unavailable
from kit.principal import USER, Principal, require_principal
from kit.scope import PAIRED_ONLY_ROLES


class Access:
    def __init__(self, authorizer: Callable[[], Authorizer | None]) -> None:
        self._authorizer = authorizer

    def caller(self, resource: str, action: str) -> Principal:
        """The call's principal, allowed `action` on `resource`, its scope set for the call."""
        caller = require_principal()
        if caller.must_change_password:
            raise PermissionDenied(
                "change your initial password first", reason="PASSWORD_CHANGE_REQUIRED"
            )
        authorizer = self._authorizer()
        if authorizer is None:
            raise Unavailable(
                "the authorization policy is not loaded yet", reason="POLICY_UNAVAILABLE"
            )
        authorizer.require(caller, resource, action)
        return replace(caller, paired_only=is_paired_only(authorizer, caller, resource, action))


def is_paired_only(authorizer: Authorizer, caller: Principal, resource: str, action: str) -> bool:
    """True when no role of the caller but a pairing-limited one grants the function: a helper
    who is also, say, a work-team member reads the whole village; a helper alone, or a helper
    who is also a leader candidate, reads only their pairings."""
    if caller.kind != USER or not PAIRED_ONLY_ROLES & set(caller.roles):
        return False
    others = tuple(role for role in caller.roles if role not in PAIRED_ONLY_ROLES)
    return not authorizer.has_permission(replace(caller, roles=others), resource, action)
