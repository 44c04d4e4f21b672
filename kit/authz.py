"""Authorization: Casbin decides role -> permission (a small policy, decisions cached); the
territory test is a division-code prefix comparison. Never one Casbin domain per region.

A permission is `(resource, action)`, e.g. `("users", "create")`. Integrator clients also need
the scope `resource:action` in their token. Grant rules say which roles a role may hand out.
"""

from __future__ import annotations

from collections.abc import Iterable

import casbin

from kit.errors import PermissionDenied
from kit.principal import CLIENT, Principal
from kit.territory import is_within, significant_prefix

MODEL = """
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.sub == p.sub && r.obj == p.obj && (r.act == p.act || p.act == "*")
"""


def scope_of(resource: str, action: str) -> str:
    return f"{resource}:{action}"


class Authorizer:
    def __init__(
        self,
        rules: Iterable[tuple[str, str, str]],
        grants: Iterable[tuple[str, str]],
        *,
        model: str = MODEL,
        version: str = "",
    ) -> None:
        self.rules: list[tuple[str, str, str]] = [(r[0], r[1], r[2]) for r in rules]
        self.grants: list[tuple[str, str]] = [(g[0], g[1]) for g in grants]
        self.version = version
        self.model = model
        self._enforcer = casbin.Enforcer(casbin.Enforcer.new_model(text=model))
        for role, resource, action in self.rules:
            self._enforcer.add_policy(role, resource, action)
        self._grantable: dict[str, frozenset[str]] = {}
        for granter, grantable in self.grants:
            self._grantable[granter] = self._grantable.get(granter, frozenset()) | {grantable}
        self._decisions: dict[tuple[tuple[str, ...], str, str], bool] = {}

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for role, _, _ in self.rules)

    # ------------------------------------------------------------------ functions

    def has_permission(self, principal: Principal, resource: str, action: str) -> bool:
        key = (principal.roles, resource, action)
        allowed = self._decisions.get(key)
        if allowed is None:
            allowed = any(
                self._enforcer.enforce(role, resource, action) for role in principal.roles
            )
            self._decisions[key] = allowed
        if allowed and principal.kind == CLIENT:
            return scope_of(resource, action) in principal.scopes
        return allowed

    def require(self, principal: Principal, resource: str, action: str) -> None:
        """403 when the caller's roles (or a client's scopes) lack the function."""
        if not self.has_permission(principal, resource, action):
            raise PermissionDenied(
                f"your role may not {action} {resource}", reason="PERMISSION_DENIED"
            )

    # ------------------------------------------------------------------ territory

    @staticmethod
    def in_territory(principal: Principal, region_code: str) -> bool:
        return is_within(region_code, principal.region_code)

    # ------------------------------------------------------------------ delegation

    def grantable_roles(self, principal: Principal) -> frozenset[str]:
        found: frozenset[str] = frozenset()
        for role in principal.roles:
            found |= self._grantable.get(role, frozenset())
        return found

    def can_grant(self, principal: Principal, role: str, region_code: str) -> bool:
        """A role may be granted inside the granter's subtree if the granter's roles allow it;
        a role the granter holds itself only strictly below the granter's own region, so no
        one creates a peer with their own powers."""
        if role not in self.grantable_roles(principal) or not self.in_territory(
            principal, region_code
        ):
            return False
        if role in principal.roles:
            return significant_prefix(region_code) != significant_prefix(principal.region_code)
        return True
