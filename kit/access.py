"""Defence in depth for every service call: the gateway checked the function already; the
service checks the caller's token, password state and role → permission again."""

from __future__ import annotations

from collections.abc import Callable

from kit.authz import Authorizer
from kit.errors import PermissionDenied, Unavailable
from kit.principal import Principal, require_principal


class Access:
    def __init__(self, authorizer: Callable[[], Authorizer | None]) -> None:
        self._authorizer = authorizer

    def caller(self, resource: str, action: str) -> Principal:
        """The call's principal, allowed `action` on `resource`."""
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
        return caller
